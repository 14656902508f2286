#include "privacy/names/english_lexicon.h"

#include "privacy/names/english_name_lists.h"
#include "privacy/names/names.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace tandem::privacy {
namespace {

constexpr std::string_view kClearFirst[] = {
    "Alice",     "Bob",     "John",       "Mary",      "James",     "Robert",    "Michael",
    "William",   "David",   "Richard",    "Joseph",    "Thomas",    "Charles",   "Christopher",
    "Daniel",    "Matthew", "Anthony",    "Donald",    "Steven",    "Paul",      "Andrew",
    "Joshua",    "Kevin",   "Brian",      "George",    "Edward",    "Ronald",    "Timothy",
    "Jason",     "Jeffrey", "Ryan",       "Jacob",     "Gary",      "Nicholas",  "Eric",
    "Jonathan",  "Stephen", "Larry",      "Justin",    "Scott",     "Brandon",   "Benjamin",
    "Samuel",    "Gregory", "Raymond",    "Alexander", "Patrick",   "Dennis",    "Jerry",
    "Tyler",     "Aaron",   "Henry",      "Peter",     "Adam",      "Nathan",    "Zachary",
    "Kyle",      "Walter",  "Harold",     "Jeremy",    "Ethan",     "Carl",      "Keith",
    "Roger",     "Gerald",  "Terry",      "Sean",      "Arthur",    "Noah",      "Lawrence",
    "Jesse",     "Joe",     "Bryan",      "Billy",     "Albert",    "Dylan",     "Bruce",
    "Gabriel",   "Alan",    "Juan",       "Logan",     "Wayne",     "Ralph",     "Eugene",
    "Randy",     "Vincent", "Russell",    "Louis",     "Philip",    "Bobby",     "Johnny",
    "Bradley",   "Tom",     "Tim",        "Mike",      "Jim",       "Dan",       "Ben",
    "Sam",       "Leo",     "Oliver",     "Liam",      "Lucas",     "Mason",     "Steve",
    "Tony",      "Kenneth", "Patricia",   "Jennifer",  "Linda",     "Elizabeth", "Barbara",
    "Susan",     "Jessica", "Sarah",      "Karen",     "Nancy",     "Lisa",      "Betty",
    "Margaret",  "Sandra",  "Ashley",     "Kimberly",  "Emily",     "Donna",     "Michelle",
    "Dorothy",   "Amanda",  "Melissa",    "Deborah",   "Stephanie", "Rebecca",   "Sharon",
    "Laura",     "Cynthia", "Kathleen",   "Amy",       "Shirley",   "Angela",    "Helen",
    "Anna",      "Brenda",  "Pamela",     "Nicole",    "Emma",      "Samantha",  "Katherine",
    "Christine", "Rachel",  "Catherine",  "Carolyn",   "Janet",     "Ruth",      "Maria",
    "Heather",   "Diane",   "Julie",      "Joyce",     "Olivia",    "Kelly",     "Christina",
    "Lauren",    "Joan",    "Evelyn",     "Judith",    "Megan",     "Cheryl",    "Andrea",
    "Hannah",    "Martha",  "Jacqueline", "Gloria",    "Teresa",    "Kathryn",   "Sara",
    "Janice",    "Abigail", "Julia",      "Judy",      "Denise",    "Marilyn",   "Beverly",
    "Danielle",  "Theresa", "Sophia",     "Marie",     "Diana",     "Brittany",  "Natalie",
    "Isabella",  "Alexis",  "Kayla",      "Lucy",      "Chloe",     "Mia",       "Ava",
    "Ella",      "Zoe",     "Kate",       "Jane",      "Claire",    "Sophie",    "Jenny",
    "Tina",      "Nina",    "Vivian",     "Cindy",     "Wendy",     "Irene",     "Fiona",
    "Alex",      "Chris",   "Emily",      "Kevin",     "Jack",      "Harry",     "Charlie",
    "Oscar",     "Ivan",    "Eva",        "Anne",      "Ann",       "Ellen"};

// Given names that are also ordinary words, months or places.
constexpr std::string_view kAmbiguousFirst[] = {
    "Mark",  "Will",   "May",   "June",   "April",  "August",   "Rose",    "Joy",      "Hope",
    "Faith", "Bill",   "Frank", "Art",    "Sue",    "Pat",      "Don",     "Ray",      "Max",
    "Dawn",  "Summer", "Jean",  "Jordan", "Austin", "Victoria", "Georgia", "Virginia", "Sydney",
    "Chase", "Carol",  "Lily",  "Holly",  "Ruby",   "Amber",    "Penny",   "Guy",      "Miles",
    "Gene",  "Sky",    "Grace", "Rich",   "Angel",  "Page",     "Paris",   "Jade",     "Iris"};

constexpr std::string_view kFamily[] = {
    "Smith",     "Johnson",  "Williams", "Brown",    "Jones",      "Garcia",  "Miller", "Davis",
    "Rodriguez", "Martinez", "Wilson",   "Anderson", "Taylor",     "Thomas",  "Moore",  "Jackson",
    "Martin",    "Lee",      "Thompson", "White",    "Harris",     "Clark",   "Lewis",  "Robinson",
    "Walker",    "Young",    "Allen",    "King",     "Wright",     "Scott",   "Green",  "Baker",
    "Adams",     "Nelson",   "Hill",     "Campbell", "Mitchell",   "Roberts", "Carter", "Phillips",
    "Evans",     "Turner",   "Parker",   "Collins",  "Edwards",    "Stewart", "Morris", "Murphy",
    "Cook",      "Rogers",   "Morgan",   "Cooper",   "Peterson",   "Reed",    "Bailey", "Bell",
    "Kelly",     "Howard",   "Ward",     "Cox",      "Richardson", "Wood",    "Watson", "Brooks",
    "Bennett",   "Gray",     "Hughes",   "Price",    "Sanders",    "Myers",   "Ross",   "Foster",
    "Doe",       "Chen",     "Wong",     "Kim",      "Park",       "Nguyen",  "Patel",  "Singh"};

constexpr std::string_view kPinyinSurnames[] = {
    "Wang",   "Li",    "Zhang",     "Liu",   "Chen", "Yang",  "Huang", "Zhao",  "Wu",  "Zhou",
    "Xu",     "Sun",   "Ma",        "Zhu",   "Hu",   "Guo",   "He",    "Gao",   "Lin", "Luo",
    "Zheng",  "Liang", "Xie",       "Song",  "Tang", "Han",   "Feng",  "Deng",  "Cao", "Peng",
    "Zeng",   "Xiao",  "Tian",      "Dong",  "Pan",  "Yuan",  "Cai",   "Jiang", "Yu",  "Du",
    "Ye",     "Cheng", "Wei",       "Su",    "Lu",   "Ding",  "Ren",   "Shen",  "Yao", "Cui",
    "Zhong",  "Tan",   "Fan",       "Shi",   "Jin",  "Liao",  "Jia",   "Xia",   "Fu",  "Fang",
    "Bai",    "Zou",   "Meng",      "Xiong", "Qin",  "Qiu",   "Yin",   "Xue",   "Yan", "Duan",
    "Lei",    "Hou",   "Long",      "Tao",   "Mao",  "Hao",   "Gong",  "Shao",  "Wan", "Qian",
    "Ouyang", "Situ",  "Shangguan", "Zhuge", "Sima", "Murong"};

// Pairs of pinyin-shaped words that are not names.
constexpr std::string_view kPinyinPhrases[] = {
    "Hong Kong", "Feng Shui", "Yin Yang", "Ni Hao", "Xie Xie", "Tai Chi", "Kung Fu", "Mao Tai",
    "Xi An", "Wu Han", "Zhong Guo",
    // Chat phrases typed in lower-case pinyin.
    "Jia You", "Hao De", "Hao Le", "Hao Ba", "Hao Ma", "Mei You", "Mei Shi", "Mei Cuo", "Zai Jian",
    "Ke Yi", "Gan Bei", "Bao Bei", "Shen Me", "Wan An", "Zao An", "Gong Xi", "Fa Cai", "Lao Ban",
    "Lao Shi", "Lao Gong", "Lao Po"};

constexpr std::string_view kCommonCaps[] = {
    // days, months, seasons
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "July", "September", "October", "November", "December", "Spring", "Autumn",
    "Winter", "Christmas", "Easter", "Festival", "New", "Year", "Day",
    // places
    "Beijing", "Shanghai", "Shenzhen", "Guangzhou", "Hangzhou", "Chengdu", "Wuhan", "Nanjing",
    "Tianjin", "Chongqing", "China", "Chinese", "America", "American", "York", "London", "Tokyo",
    "Europe", "Asia", "Africa", "Canada", "Japan", "Korea", "India", "France", "Germany", "England",
    "Britain", "Street", "Road", "Avenue", "City", "University", "College", "School", "Hospital",
    "Airport", "Station", "Park", "Lake", "River", "Mountain", "North", "South", "East", "West",
    "San", "Los", "Angeles", "Francisco", "Washington", "Boston", "Seattle", "Chicago", "Texas",
    "California", "Singapore", "Taiwan", "Macau",
    // words that start place names and are also given names in some countries' lists
    "Santa", "Santo", "Las", "Puerto", "Monte",
    // street words of other languages, before a particle as names are (Rue de la Paix)
    "Rue", "Via", "Viale", "Calle", "Avenida", "Rua", "Piazza", "Plaza", "Place", "Boulevard",
    "Chemin", "Strada", "Paseo", "Camino", "Platz",
    // brands, products, technology
    "Google", "Apple", "Microsoft", "Amazon", "Tesla", "Huawei", "Xiaomi", "Alibaba", "Tencent",
    "Baidu", "WeChat", "Alipay", "Taobao", "Facebook", "Twitter", "YouTube", "Netflix", "Uber",
    "Python", "Java", "JavaScript", "Rust", "Linux", "Windows", "Android", "Excel", "Word",
    "PowerPoint", "Office", "Teams", "Zoom", "Slack", "GitHub", "Docker", "Kubernetes", "React",
    "Chrome", "Safari", "Firefox", "Visual", "Studio", "Code", "Cloud", "Machine", "Learning",
    "Deep", "Data", "Science", "Pro", "Max", "Plus", "Mini", "Air", "Toyota", "Honda", "Nike",
    "Adidas", "Starbucks", "Costco", "Walmart", "Samsung", "Sony",
    // sentence words and titles
    "The", "This", "That", "These", "Those", "What", "When", "Where", "Which", "Who", "Why", "How",
    "And", "But", "Or", "If", "Then", "Please", "Thanks", "Thank", "Hello", "Hi", "Dear", "Yes",
    "No", "Not", "All", "Any", "Some", "Every", "Our", "We", "You", "They", "He", "She", "It", "My",
    "Your", "Its", "Let", "Can", "Could", "Would", "Should", "Will", "Is", "Are", "Was", "Do",
    "Does", "Did", "Have", "Has", "Team", "Manager", "Customer", "Service", "Support", "Department",
    "Company", "Inc", "Ltd", "Group", "Bank", "Order", "Invoice", "Meeting", "Project", "Report",
    "Chapter", "Section", "Version", "Release", "Update", "Best", "Regards", "Sincerely",
    "Internet", "Email", "Phone", "Mobile", "Room", "Floor", "Building", "Unit", "Suite", "Apt",
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sir", "Madam", "Mom", "Dad", "Grandma", "Grandpa", "God",
    "Sent", "Lord", "King", "Queen", "Prince", "Princess", "President", "Professor", "Doctor",
    "Captain", "General", "Chairman", "Happy", "Birthday", "Good", "Morning", "Night", "Great",
    "Wall", "Palace", "Museum", "Square", "Center", "Centre", "International", "National", "Global",
    "World", "Cup", "Olympic", "Games"};

constexpr std::string_view kCues[] = {
    "with",       "call",     "called",  "ask",    "asked",   "tell",      "told",    "dear",
    "hi",         "hey",      "hello",   "thanks", "thank",   "met",       "meet",    "meeting",
    "email",      "emailed",  "text",    "texted", "contact", "cc",        "invite",  "invited",
    "ping",       "pinged",   "message", "remind", "visit",   "visited",   "from",    "by",
    "and",        "to",       "for",     "cc:",    "attn",    "sincerely", "regards", "played",
    "cardholder", "landlord", "user"};

constexpr std::string_view kVerbs[] = {
    "said", "says", "wrote", "writes", "asked", "told", "replied", "called", "emailed", "thinks",
    "agreed", "will", "is", "was", "has", "had", "can", "meant", "means", "joined", "wants",
    "knows",
    // Story verbs: "where Bilbo Baggins meets …".
    "meets", "met", "tells", "asks", "loves", "visits", "helps", "married", "marries", "believes",
    "decides", "decided", "realizes", "realised", "realized", "finds"};

// Pinyin finals and initials; a syllable is an optional initial followed by a final.
constexpr std::array<std::string_view, 35> kFinals = {
    "iang", "iong", "uang", "ang", "eng", "ing", "ong", "ian", "iao", "uan", "uai", "van",
    "ai",   "ei",   "ao",   "ou",  "an",  "en",  "in",  "un",  "ia",  "ie",  "iu",  "ua",
    "uo",   "ue",   "ui",   "er",  "ve",  "a",   "o",   "e",   "i",   "u",   "v"};
constexpr std::array<std::string_view, 23> kInitials = {"zh", "ch", "sh", "b", "p", "m", "f", "d",
                                                        "t",  "n",  "l",  "g", "k", "h", "j", "q",
                                                        "x",  "r",  "z",  "c", "s", "y", "w"};

template <size_t N>
bool in(const std::string_view (&list)[N], std::string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

std::string lower(std::string_view w) {
  std::string s(w);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Whether s splits into 1..max_syllables pinyin syllables (short inputs: tiny recursion).
bool syllables(std::string_view s, int max_syllables) {
  if (s.empty()) return true;
  if (max_syllables == 0) return false;
  auto try_final = [&](std::string_view rest) {
    for (auto f : kFinals)
      if (rest.starts_with(f) && syllables(rest.substr(f.size()), max_syllables - 1)) return true;
    return false;
  };
  for (auto i : kInitials)
    if (s.starts_with(i) && try_final(s.substr(i.size()))) return true;
  return try_final(s);
}

}  // namespace

FirstName english_first_name(std::string_view w) {
  if (in(kClearFirst, w)) return FirstName::kClear;
  if (in(kAmbiguousFirst, w)) return FirstName::kAmbiguous;
  return listed_given_name(w) ? FirstName::kListed : FirstName::kNone;
}
bool english_family_name(std::string_view w) {
  return in(kFamily, w);
}
bool pinyin_surname(std::string_view w) {
  return in(kPinyinSurnames, w);
}
bool pinyin_word(std::string_view w) {
  return w.size() <= 18 && syllables(lower(w), 3);
}
bool common_capitalised_word(std::string_view w) {
  return in(kCommonCaps, w) || is_common_english_word(w);
}
bool person_cue_word(std::string_view w) {
  return in(kCues, lower(w));
}
bool person_verb(std::string_view w) {
  return in(kVerbs, lower(w));
}
bool pinyin_phrase(std::string_view two_words) {
  return in(kPinyinPhrases, two_words);
}

}  // namespace tandem::privacy

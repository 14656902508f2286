// Validation applied after a regex finds a candidate: checksums and calendar dates.
#pragma once

#include <string_view>

namespace tandem::privacy {

// Luhn (mod 10) over a string of ASCII digits; false for anything else or empty input.
bool luhn_valid(std::string_view digits);

// Whether year/month/day name a real Gregorian date (leap years included).
bool valid_date(int year, int month, int day);

// Mainland resident ID: 17 digits + check char (digit or X/x). Checks the province code, the
// birth date
// (characters 7..14, years 1800..2099) and the ISO 7064 MOD 11-2 check character.
bool resident_id_valid(std::string_view id);

// Legacy 15-digit resident ID (issued before 1999): province code and a real 19YYMMDD date in
// characters 7..12; there is no check digit.
bool legacy_resident_id_valid(std::string_view id);

// An IPv6 address in text form (RFC 4291 2.2): up to eight groups of 1-4 hex digits, at most
// one "::" standing for the missing ones (exactly eight groups without it). No embedded IPv4
// tail, no zone. Clock times (12:30:45) and MAC addresses (six groups) are not addresses.
bool ipv6_valid(std::string_view s);

// The check character ISO 7064 MOD 11-2 assigns to 17 digits ('0'..'9' or 'X').
char resident_id_check_char(std::string_view first17);

}  // namespace tandem::privacy

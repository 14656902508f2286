// Intent classifier: multinomial naive Bayes over binary character n-gram features, trained
// from the labelled TSV and stored as a small versioned text file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "router/intent_dataset.h"

namespace tandem::router {

struct IntentScore {
  std::string label;
  double probability = 0;  // posterior; the scores of one result sum to 1
};

struct IntentResult {
  std::string label;                // the most probable class
  std::vector<IntentScore> scores;  // every class, in the model's class order
};

struct IntentTrainOptions {
  int min_n = 1;
  int max_n = 4;
  double alpha = 0.1;      // additive smoothing
  uint32_t min_count = 2;  // drop rarer features: a third of the file size, same accuracy
};

class IntentClassifier {
 public:
  static constexpr std::string_view kMagic = "tandem-intent-model";
  static constexpr int kVersion = 1;

  // Classes are the distinct labels, sorted. Throws std::invalid_argument on bad options or
  // no examples.
  static IntentClassifier train(std::span<const IntentExample> examples,
                                const IntentTrainOptions& options = {});
  // Throws std::runtime_error naming the source (and line) for any malformed content.
  static IntentClassifier parse(std::string_view text, std::string_view source);
  static IntentClassifier load(const std::string& path);

  std::string serialize() const;
  void save(const std::string& path) const;

  IntentResult classify(std::string_view text) const;

  const std::vector<std::string>& classes() const { return classes_; }
  const IntentTrainOptions& options() const { return options_; }
  size_t n_features() const { return counts_.size(); }

 private:
  void prepare();  // derives the log-probability tables from the counts

  IntentTrainOptions options_;
  std::vector<std::string> classes_;
  std::vector<uint32_t> docs_;                                     // training examples per class
  std::unordered_map<std::string, std::vector<uint32_t>> counts_;  // feature -> per class
  // Derived: log P(class), log P(feature | class) for every known feature, flattened.
  std::vector<double> log_prior_;
  std::unordered_map<std::string, size_t> row_;
  std::vector<double> log_likelihood_;
};

}  // namespace tandem::router

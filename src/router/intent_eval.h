// Held-out evaluation of the intent classifier: accuracy, per-class precision and recall.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "router/intent_classifier.h"

namespace tandem::router {

struct ClassStats {
  std::string label;
  size_t support = 0;    // examples whose true label is this class
  size_t predicted = 0;  // examples classified as this class
  size_t correct = 0;
  double precision() const { return predicted ? static_cast<double>(correct) / predicted : 0.0; }
  double recall() const { return support ? static_cast<double>(correct) / support : 0.0; }
};

struct IntentEvaluation {
  size_t total = 0, correct = 0;
  std::vector<ClassStats> classes;  // the model's classes, in order
  double accuracy() const { return total ? static_cast<double>(correct) / total : 0.0; }
  // A printable table: accuracy, then precision / recall / support per class.
  std::string report() const;
};

// Labels unknown to the model count as errors (and as support of a class of their own).
IntentEvaluation evaluate(const IntentClassifier& model, std::span<const IntentExample> data);

}  // namespace tandem::router

// Exceptions thrown by the Jinja renderer. All derive from TemplateError so callers can catch
// one type; the subclasses let tests (and the server) tell parse, render and template-raised
// failures apart.
#pragma once

#include <stdexcept>
#include <string>

namespace tandem::templates {

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Malformed template source; line and column are 1-based positions in the source.
class ParseError : public TemplateError {
 public:
  ParseError(const std::string& message, int line, int column)
      : TemplateError(message + " (line " + std::to_string(line) + ", column " +
                      std::to_string(column) + ")"),
        line_(line),
        column_(column) {}
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  int line_;
  int column_;
};

// A failure while rendering: undefined access, type errors, or a safety limit being hit.
class RenderError : public TemplateError {
 public:
  using TemplateError::TemplateError;
};

// The template called raise_exception(msg); what() is exactly msg, as transformers reports it.
class RaisedError : public TemplateError {
 public:
  using TemplateError::TemplateError;
};

}  // namespace tandem::templates

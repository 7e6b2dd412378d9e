#pragma once
// The scorecard model file: versioned, human-readable JSON holding the bins, WOE, points,
// coefficients, training metrics, the options used and the hash of the training data. No file access:
// text in, text out.
#include <string>
#include <string_view>

#include "lending/scorecard.hpp"

namespace sdelka::lending::scoring {

// The identifier in the "format" field of every model file.
inline constexpr std::string_view kModelFormat = "sdelka-scorecard";

// The model as JSON text: 2-space indentation, keys in a fixed order, a final newline. Equal models
// give byte-identical text. Infinite range limits are written as null.
std::string model_to_json(const Scorecard& model);

// Reads a model file written by model_to_json. Throws InputError with one line when the text is not
// JSON, is not a scorecard ("format" is not "sdelka-scorecard"), has another "version" than
// Scorecard::kFormatVersion ("model file version 2 is not supported ..."), or a field is missing, of
// the wrong type or inconsistent (bins out of order, no missing bin, options out of range).
Scorecard model_from_json(std::string_view text);

}  // namespace sdelka::lending::scoring

#pragma once
// The five formats. md, html and docx lay out the same document; json and csv are
// records for machines, made from the model directly.
#include <string>
#include <vector>

#include "session/minutes/Document.hpp"
#include "session/minutes/Minutes.hpp"
#include "session/minutes/Model.hpp"

namespace yst::minutes {

std::string render_md(const std::vector<Block>& doc);
std::string render_html(const DocumentInfo& info, const std::vector<Block>& doc);
std::string render_docx(const DocumentInfo& info, const std::vector<Block>& doc);
std::string render_json(const MinutesInput& in, const Model& m);
std::string render_csv(const Model& m);

}  // namespace yst::minutes

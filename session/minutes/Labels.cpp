#include "session/minutes/Labels.hpp"

#include "session/Vocabulary.hpp"

namespace yst::minutes {

// The minutes speak the pages' words: each comes from the one vocabulary table.
std::string_view role_cn(Role r) { return label(r).zh; }

std::string role_cn(std::string_view r) { return std::string(term("role", r).zh); }

std::string_view status_cn(std::string_view s) { return term("session_status", s).zh; }

std::string_view question_status_cn(std::string_view s) { return term("question_status", s).zh; }

std::string_view approval_cn(std::string_view s) { return term("approval", s).zh; }

std::string_view outcome_cn(std::string_view s) { return s.empty() ? "未表决完毕" : term("outcome", s).zh; }

}  // namespace yst::minutes

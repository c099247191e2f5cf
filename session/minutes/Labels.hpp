#pragma once
// The Chinese words the minutes use for roles, session and question states and vote
// outcomes. Kept together so that one vocabulary table can replace them.
#include <string>
#include <string_view>

#include "session/Types.hpp"

namespace yst::minutes {

std::string_view role_cn(Role r);
// A role's wire name; an unknown name is shown as it is.
std::string role_cn(std::string_view r);
std::string_view status_cn(std::string_view s);
std::string_view question_status_cn(std::string_view s);
std::string_view outcome_cn(std::string_view s);
std::string_view approval_cn(std::string_view s);

}  // namespace yst::minutes

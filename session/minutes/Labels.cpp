#include "session/minutes/Labels.hpp"

namespace yst::minutes {

std::string_view role_cn(Role r) {
  switch (r) {
    case Role::host: return "主持人";
    case Role::member: return "政协委员";
    case Role::department: return "部门代表";
    case Role::clerk: return "记录员";
    case Role::audience: return "听众";
  }
  return "听众";
}

std::string role_cn(std::string_view r) {
  auto role = role_from_string(r);
  return role ? std::string(role_cn(*role)) : std::string(r);
}

std::string_view status_cn(std::string_view s) {
  if (s == "scheduled") return "未开始";
  if (s == "live") return "进行中";
  if (s == "ended") return "已结束";
  return s;
}

std::string_view question_status_cn(std::string_view s) {
  if (s == "pending") return "待审核";
  if (s == "approved") return "已公开";
  if (s == "featured") return "正在答复";
  if (s == "answered") return "已答复";
  if (s == "rejected") return "未采纳";
  return s;
}

std::string_view outcome_cn(std::string_view s) {
  if (s == "adopted") return "通过";
  if (s == "not_adopted") return "未通过";
  return "未表决完毕";
}

}  // namespace yst::minutes

#pragma once
// A route table: methods and a path pattern such as "/api/sessions/{id}/events" to a
// handler. A {name} segment matches any one segment, handed to the handler by name.
// Routes are tried in the order they were added; a path that some route knows, but not
// for this method, is told apart from one that no route knows (405 against 404).
#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/Net.hpp"

namespace yst {

// The {name} segments of a matched path, as they appear in the path (not decoded).
class PathParams {
 public:
  void set(std::string_view name, std::string value);
  // "" when the pattern had no such segment.
  const std::string& operator[](std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

// One route's path pattern, split into segments once.
class RoutePattern {
 public:
  explicit RoutePattern(std::string_view pattern);
  std::optional<PathParams> match(std::string_view path) const;

 private:
  std::vector<std::string> segments_;  // a parameter keeps its braces: "{id}"
};

template <class Handler>
class HttpRouter {
 public:
  void add(std::initializer_list<http::verb> methods, std::string_view pattern, Handler handler) {
    routes_.push_back(Route{std::vector<http::verb>(methods), RoutePattern(pattern), std::move(handler)});
  }

  struct Match {
    enum class Outcome { found, wrong_method, unknown_path };
    Outcome outcome = Outcome::unknown_path;
    const Handler* handler = nullptr;  // set when found
    PathParams params;
  };

  Match match(http::verb method, std::string_view path) const {
    Match m;
    for (const auto& route : routes_) {
      auto params = route.pattern.match(path);
      if (!params) continue;
      if (std::find(route.methods.begin(), route.methods.end(), method) == route.methods.end()) {
        m.outcome = Match::Outcome::wrong_method;
        continue;
      }
      return Match{Match::Outcome::found, &route.handler, std::move(*params)};
    }
    return m;
  }

 private:
  struct Route {
    std::vector<http::verb> methods;
    RoutePattern pattern;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace yst

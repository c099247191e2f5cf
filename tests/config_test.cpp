#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "server/Config.hpp"

extern char** environ;

// The fixture takes the name of the tests that came before it; yst::Config stays qualified.
using yst::parse_serve_args;
using yst::serve_usage;

namespace {

// parse_serve_args reads the process environment: each test starts without any
// YISHITING_* variable, and the ones there were come back when it ends.
class Config : public ::testing::Test {
 protected:
  void SetUp() override {
    for (char** e = environ; e && *e; ++e) {
      std::string kv(*e);
      if (kv.rfind("YISHITING_", 0) == 0) saved_.emplace_back(kv.substr(0, kv.find('=')), kv.substr(kv.find('=') + 1));
    }
    for (const auto& [name, value] : saved_) unsetenv(name.c_str());
  }
  void TearDown() override {
    for (const auto& name : set_) unsetenv(name.c_str());
    for (const auto& [name, value] : saved_) setenv(name.c_str(), value.c_str(), 1);
    for (const auto& file : files_) std::filesystem::remove(file);
  }

  void set_env(const std::string& name, const std::string& value) {
    setenv(name.c_str(), value.c_str(), 1);
    set_.push_back(name);
  }
  std::string config_file(const std::string& text) {
    auto path = std::filesystem::temp_directory_path() /
                ("yst_config_test_" + std::to_string(files_.size()) + "_" + std::to_string(getpid()) + ".conf");
    std::ofstream(path) << text;
    files_.push_back(path);
    return path.string();
  }
  static std::string error_of(const std::vector<std::string>& args) {
    try {
      parse_serve_args(args);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "(no error)";
  }

 private:
  std::vector<std::pair<std::string, std::string>> saved_;
  std::vector<std::string> set_;
  std::vector<std::filesystem::path> files_;
};

}  // namespace

TEST_F(Config, FlagsEnvironmentAndFileInThatOrder) {
  auto path = config_file("# comment\nport = 9000\nthreads = 3\nbind = 0.0.0.0\n");
  set_env("YISHITING_THREADS", "2");
  auto p = parse_serve_args({"--config", path, "--port", "0"});
  EXPECT_EQ(p.config.port, 0);          // flag beats file
  EXPECT_EQ(p.config.threads, 2);       // environment beats file
  EXPECT_EQ(p.config.bind, "0.0.0.0");  // file beats default
}

TEST_F(Config, OneSettingFromAllThreeSourcesTakesTheFlag) {
  auto path = config_file("port = 9000\n");
  EXPECT_EQ(parse_serve_args({"--config", path}).config.port, 9000);
  set_env("YISHITING_PORT", "9001");
  EXPECT_EQ(parse_serve_args({"--config", path}).config.port, 9001);
  EXPECT_EQ(parse_serve_args({"--config", path, "--port=9002"}).config.port, 9002);
  EXPECT_EQ(parse_serve_args({}).config.port, 9001);
}

TEST_F(Config, TheConfigFileComesFromTheEnvironmentUnlessAFlagNamesAnother) {
  auto from_env = config_file("port = 1111\n");
  auto from_flag = config_file("port = 2222\n");
  set_env("YISHITING_CONFIG", from_env);
  EXPECT_EQ(parse_serve_args({}).config.port, 1111);
  EXPECT_EQ(parse_serve_args({"--config", from_flag}).config.port, 2222);
}

TEST_F(Config, TheLastOfARepeatedSettingWins) {
  EXPECT_EQ(parse_serve_args({"--port", "1", "--port", "2"}).config.port, 2);
  EXPECT_EQ(parse_serve_args({"--config", config_file("port = 1\nport = 2\n")}).config.port, 2);
}

TEST_F(Config, CommentsAndBlankLinesInTheFile) {
  auto path = config_file("\n# the studio\n  bind = 10.0.0.5   # the studio network\n\n"
                          "public-url = https://a.example/\n");
  auto p = parse_serve_args({"--config", path});
  EXPECT_EQ(p.config.bind, "10.0.0.5");
  EXPECT_EQ(p.config.public_url, "https://a.example");
}

TEST_F(Config, InvalidSettingsStopWithAClearMessage) {
  EXPECT_THROW(parse_serve_args({"--port", "70000"}), std::invalid_argument);
  EXPECT_THROW(parse_serve_args({"--port", "abc"}), std::invalid_argument);
  EXPECT_THROW(parse_serve_args({"--nonsense"}), std::invalid_argument);
  EXPECT_THROW(parse_serve_args({"--tls-cert", "a.pem"}), std::invalid_argument);
  EXPECT_THROW(parse_serve_args({"--admin-token", "short"}), std::invalid_argument);
  try {
    parse_serve_args({"--threads", "-1"});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--threads"), std::string::npos);
  }
  set_env("YISHITING_AUDIENCE_RATE", "0");
  EXPECT_THROW(parse_serve_args({}), std::invalid_argument);
}

TEST_F(Config, DurabilityIsPowerUnlessProcessIsChosen) {
  EXPECT_EQ(parse_serve_args({}).config.durability, yst::Durability::power);
  EXPECT_EQ(parse_serve_args({"--durability", "process"}).config.durability, yst::Durability::process);
  set_env("YISHITING_DURABILITY", "process");
  EXPECT_EQ(parse_serve_args({}).config.durability, yst::Durability::process);
  EXPECT_EQ(parse_serve_args({"--durability=power"}).config.durability, yst::Durability::power);
  EXPECT_EQ(error_of({"--durability", "disk"}), "--durability must be power or process");
}

TEST_F(Config, AnInvalidValueIsNamedByItsFlagWhereverItCameFrom) {
  EXPECT_EQ(error_of({"--port", "70000"}), "--port must be a whole number from 0 to 65535 (got \"70000\")");
  EXPECT_EQ(error_of({"--threads", "-1"}), "--threads must be a whole number from 1 to 256 (got \"-1\")");
  EXPECT_EQ(error_of({"--demo=maybe"}), "--demo must be true or false (got \"maybe\")");
  EXPECT_EQ(error_of({"--config", config_file("log-level = loud\n")}),
            "--log-level must be trace, debug, info, warn or error");
  EXPECT_EQ(error_of({"--admin-token", "short"}), "--admin-token must be at least 16 characters");
  EXPECT_EQ(error_of({"--tls-key", "k.pem"}), "--tls-cert and --tls-key go together");
  EXPECT_EQ(error_of({"--max-frame-bytes", "65536", "--max-queue-bytes", "8192"}),
            "--max-queue-bytes must be at least --max-frame-bytes");
  set_env("YISHITING_AUDIENCE_RATE", "0");
  EXPECT_EQ(error_of({}), "--audience-rate must be a whole number from 1 to 100000 (got \"0\")");
}

TEST_F(Config, MisspelledOrMisplacedWordsAreRefusedByName) {
  EXPECT_EQ(error_of({"--nonsense"}), "unknown flag --nonsense (see --help)");
  EXPECT_EQ(error_of({"--nonsense=1"}), "unknown flag --nonsense (see --help)");
  EXPECT_EQ(error_of({"--por", "80"}), "unknown flag --por (see --help)");  // no guessing at prefixes
  EXPECT_EQ(error_of({"extra"}), "unexpected argument \"extra\" (see --help)");
  EXPECT_EQ(error_of({"--demo", "false", "extra"}), "unexpected argument \"extra\" (see --help)");
  EXPECT_EQ(error_of({"--port"}), "--port needs a value");
  EXPECT_EQ(error_of({"--config"}), "--config needs a file");
  auto path = config_file("bogus = 1\n");
  EXPECT_EQ(error_of({"--config", path}), path + ": unknown setting bogus");
  EXPECT_EQ(error_of({"--config", "/nonexistent/yishiting.conf"}),
            "cannot read config file /nonexistent/yishiting.conf");
  EXPECT_NE(error_of({"--config", config_file("port 80\n")}).find("expected name = value"), std::string::npos);
}

TEST_F(Config, OtherEnvironmentVariablesAreIgnored) {
  set_env("YISHITING_NONSENSE", "1");
  set_env("YISHITING_port", "1");  // the names are upper case
  set_env("YISHITING_HELP", "1");
  auto p = parse_serve_args({});
  EXPECT_EQ(p.config.port, 8080);
  EXPECT_FALSE(p.help);
}

TEST_F(Config, SwitchesAndEqualsForm) {
  auto p = parse_serve_args({"--demo", "--port=0", "--allowed-origins=https://a.example, https://b.example"});
  EXPECT_TRUE(p.config.demo);
  EXPECT_EQ(p.config.port, 0);
  ASSERT_EQ(p.config.allowed_origins.size(), 2u);
  EXPECT_EQ(p.config.allowed_origins[1], "https://b.example");
  EXPECT_TRUE(parse_serve_args({"--help"}).help);
  EXPECT_TRUE(parse_serve_args({"-h"}).help);
}

TEST_F(Config, ASwitchTurnedOnInTheFileCanBeTurnedOffByAFlag) {
  auto path = config_file("demo = yes\n");
  EXPECT_TRUE(parse_serve_args({"--config", path}).config.demo);
  EXPECT_FALSE(parse_serve_args({"--config", path, "--demo=false"}).config.demo);
  EXPECT_FALSE(parse_serve_args({"--config", path, "--demo", "false"}).config.demo);
  set_env("YISHITING_DEMO", "off");
  EXPECT_FALSE(parse_serve_args({"--config", path}).config.demo);
}

TEST_F(Config, HelpListsEveryFlag) {
  std::string usage = serve_usage();
  for (const char* flag : {"--bind ADDR", "--port N", "--demo", "--allowed-origins A,B", "--trusted-proxy CIDR",
                           "--max-connections-per-address N", "--shutdown-grace-ms N", "--config FILE", "--help"})
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
}

namespace {
bool trusts(const yst::Config& c, const char* address) { return c.trusted_proxies.trusts(*yst::IpAddress::parse(address)); }
}  // namespace

TEST_F(Config, TrustedProxiesAddUpAcrossRepeatsAndLists) {
  auto p = parse_serve_args({"--trusted-proxy", "127.0.0.1", "--trusted-proxy=10.0.0.0/8, fd00::/8"});
  EXPECT_TRUE(trusts(p.config, "127.0.0.1"));
  EXPECT_TRUE(trusts(p.config, "10.20.30.40"));
  EXPECT_TRUE(trusts(p.config, "fd00::5"));
  EXPECT_FALSE(trusts(p.config, "192.168.1.1"));
  EXPECT_TRUE(parse_serve_args({}).config.trusted_proxies.empty());
}

TEST_F(Config, TrustedProxiesFromTheEnvironmentOrTheFileUnlessAFlagGivesThem) {
  auto path = config_file("trusted-proxy = 10.0.0.0/8\ntrusted-proxy = 192.168.0.0/16\n");
  auto from_file = parse_serve_args({"--config", path}).config;
  EXPECT_TRUE(trusts(from_file, "10.1.1.1"));
  EXPECT_TRUE(trusts(from_file, "192.168.5.5"));
  // The flag's list replaces the file's; it does not add to it.
  auto from_flag = parse_serve_args({"--config", path, "--trusted-proxy", "127.0.0.1"}).config;
  EXPECT_TRUE(trusts(from_flag, "127.0.0.1"));
  EXPECT_FALSE(trusts(from_flag, "10.1.1.1"));
  set_env("YISHITING_TRUSTED_PROXY", "172.16.0.0/12,::1");
  auto from_env = parse_serve_args({"--config", path}).config;
  EXPECT_TRUE(trusts(from_env, "172.16.9.9"));
  EXPECT_TRUE(trusts(from_env, "::1"));
  EXPECT_FALSE(trusts(from_env, "10.1.1.1"));
}

TEST_F(Config, ABadTrustedProxyStopsTheServerSayingWhy) {
  EXPECT_EQ(error_of({"--trusted-proxy", "10.0.0.0/33"}),
            "--trusted-proxy \"10.0.0.0/33\": the prefix length must be a whole number from 0 to 32");
  EXPECT_EQ(error_of({"--trusted-proxy", "127.0.0.1", "--trusted-proxy", "nginx.local"}),
            "--trusted-proxy \"nginx.local\" is not an IP address or CIDR block (e.g. 127.0.0.1, 10.0.0.0/8, ::1, "
            "fd00::/8)");
  EXPECT_EQ(error_of({"--config", config_file("trusted-proxy = 192.168.1.10/24\n")}),
            "--trusted-proxy \"192.168.1.10/24\" has address bits set past its prefix length");
  EXPECT_EQ(error_of({"--trusted-proxy"}), "--trusted-proxy needs a value");
}

TEST_F(Config, TheLockoutWindowIsATestsFlagOnly) {
  EXPECT_EQ(parse_serve_args({}).config.token_lockout_window_ms, 60'000);
  EXPECT_EQ(parse_serve_args({"--token-lockout-window-ms", "1500"}).config.token_lockout_window_ms, 1500);
  EXPECT_EQ(serve_usage().find("lockout"), std::string::npos);
  set_env("YISHITING_TOKEN_LOCKOUT_WINDOW_MS", "1500");
  EXPECT_EQ(parse_serve_args({}).config.token_lockout_window_ms, 60'000);
  auto path = config_file("token-lockout-window-ms = 1500\n");
  EXPECT_EQ(error_of({"--config", path}), path + ": unknown setting token-lockout-window-ms");
}

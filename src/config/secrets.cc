#include "config/secrets.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

namespace flyrun {
namespace {

constexpr std::string_view kMask = "***";

struct Registry {
  std::mutex mutex;
  std::vector<std::string> spellings;  ///< longest first
  /// Whether `spellings` is non-empty, read without the lock: output passes
  /// straight through until the first secret is registered.
  std::atomic<bool> any{false};
};

Registry& TheRegistry() {
  static Registry registry;
  return registry;
}

std::string PercentEncode(std::string_view text, const char* hex) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 0x0F];
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

/// The inside of the JSON string literal nlohmann writes for `text`.
std::string JsonEscape(std::string_view text) {
  std::string quoted = nlohmann::json(std::string(text))
                           .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

bool IsSecretParameter(std::string_view name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("password") != std::string::npos || lower == "pwd" || lower == "pass" ||
         lower == "passwd" || lower == "secret";
}

bool IsParameterStart(char before) {
  return before == '?' || before == '&' || before == ';' ||
         std::isspace(static_cast<unsigned char>(before));
}

// Calls `found(begin, end)` for the value of every "name=value" whose name says
// it is a password, in URL query strings ("?password=x&...") and in key=value
// connection strings ("host=h password='x y'"), last first (so that the
// callback may replace the value).
void ForEachSecretParameter(std::string_view text,
                            const std::function<void(size_t, size_t)>& found) {
  std::vector<std::pair<size_t, size_t>> values;
  size_t pos = 0;
  while ((pos = text.find('=', pos)) != std::string_view::npos) {
    // libpq allows blanks around '=' ("password = x").
    size_t name_end = pos;
    while (name_end > 0 && (text[name_end - 1] == ' ' || text[name_end - 1] == '\t')) --name_end;
    size_t name_start = name_end;
    while (name_start > 0 && !IsParameterStart(text[name_start - 1])) --name_start;
    size_t value_start = pos + 1;
    if (!IsSecretParameter(text.substr(name_start, name_end - name_start))) {
      pos = value_start;
      continue;
    }
    while (value_start < text.size() && (text[value_start] == ' ' || text[value_start] == '\t')) {
      ++value_start;
    }
    size_t value_end = value_start;
    if (value_end < text.size() && text[value_end] == '\'') {
      // libpq quoting: backslash escapes, a lone quote ends the value.
      ++value_end;
      while (value_end < text.size() && text[value_end] != '\'') {
        value_end += text[value_end] == '\\' ? 2 : 1;
      }
      value_end = std::min(value_end + 1, text.size());
    } else {
      while (value_end < text.size() && text[value_end] != '&' && text[value_end] != ';' &&
             text[value_end] != '#' && !std::isspace(static_cast<unsigned char>(text[value_end]))) {
        ++value_end;
      }
    }
    if (value_end > value_start) values.emplace_back(value_start, value_end);
    pos = std::max(value_end, value_start);
  }
  for (auto it = values.rbegin(); it != values.rend(); ++it) found(it->first, it->second);
}

bool IsSchemeToken(std::string_view scheme) {
  if (scheme.empty() || !std::isalpha(static_cast<unsigned char>(scheme[0]))) return false;
  return std::all_of(scheme.begin(), scheme.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

/// How many characters at the end of `text` could be the start of a secret
/// that the next output completes.
size_t PossibleSecretStart(std::string_view text) {
  auto& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  size_t longest = 0;
  for (const auto& spelling : registry.spellings) {
    for (size_t n = std::min(spelling.size() - 1, text.size()); n > longest; --n) {
      if (spelling[n - 1] != text.back()) continue;
      if (text.substr(text.size() - n) == std::string_view(spelling).substr(0, n)) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

/// A JSON string literal (quotes included) with its decoded value scrubbed.
std::string ScrubJsonString(const std::string& literal) {
  std::string value;
  try {
    value = nlohmann::json::parse(literal).get<std::string>();
  } catch (const std::exception&) {
    return Scrub(literal);
  }
  std::string scrubbed = Scrub(value);
  if (scrubbed == value) return literal;
  return nlohmann::json(scrubbed).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// The inside of an SQL string literal: quotes doubled (standard SQL), or
/// quotes and backslashes escaped with a backslash (MySQL, libpq conninfo).
std::string SqlQuoted(std::string_view text, bool backslashes) {
  std::string out;
  for (char c : text) {
    if (c == '\'' || (backslashes && c == '\\')) out += backslashes ? '\\' : '\'';
    out += c;
  }
  return out;
}

}  // namespace

std::string PercentEncoded(std::string_view text) {
  return PercentEncode(text, "0123456789ABCDEF");
}

void AddSecret(std::string_view password) {
  if (password.size() < kMinSecretLength) return;
  std::vector<std::string> spellings = {std::string(password),
                                        PercentEncode(password, "0123456789ABCDEF"),
                                        PercentEncode(password, "0123456789abcdef"),
                                        JsonEscape(password),
                                        SqlQuoted(password, false),
                                        SqlQuoted(password, true)};
  auto& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  for (auto& spelling : spellings) {
    auto& all = registry.spellings;
    if (std::find(all.begin(), all.end(), spelling) == all.end()) all.push_back(spelling);
  }
  std::stable_sort(registry.spellings.begin(), registry.spellings.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  registry.any = !registry.spellings.empty();
}

void AddUrlSecrets(std::string_view url) {
  UrlParts parts = SplitUrl(url);
  if (parts.at != std::string::npos) {
    size_t begin = parts.password != std::string::npos ? parts.password : parts.userinfo;
    // A user-info that swallowed part of the authority is all secret, the
    // user name included.
    if (parts.ambiguous) begin = parts.userinfo;
    std::string_view raw = url.substr(begin, parts.at - begin);
    if (parts.password != std::string::npos || parts.ambiguous) {
      AddSecret(raw);
      AddSecret(PercentDecode(raw));
      if (parts.password != std::string::npos) {
        std::string_view password = url.substr(parts.password, parts.at - parts.password);
        AddSecret(password);
        AddSecret(PercentDecode(password));
      }
    }
  }
  ForEachSecretParameter(url, [&](size_t begin, size_t end) {
    std::string_view value = url.substr(begin, end - begin);
    AddSecret(value);
    AddSecret(PercentDecode(value));
    if (value.size() >= 2 && value.front() == '\'') {
      std::string unquoted;
      for (size_t i = 1; i + 1 < value.size(); ++i) {
        if (value[i] == '\\' && i + 2 < value.size()) ++i;
        unquoted += value[i];
      }
      AddSecret(unquoted);
    }
  });
}

void ClearSecrets() {
  auto& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  registry.spellings.clear();
  registry.any = false;
}

std::string Scrub(std::string text) {
  auto& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  for (const auto& spelling : registry.spellings) {
    for (size_t pos = text.find(spelling); pos != std::string::npos;
         pos = text.find(spelling, pos + kMask.size())) {
      text.replace(pos, spelling.size(), kMask);
    }
  }
  return text;
}

UrlParts SplitUrl(std::string_view url) {
  UrlParts parts;
  size_t colon = url.find(':');
  if (colon == std::string_view::npos || !IsSchemeToken(url.substr(0, colon))) return parts;
  for (char c : url.substr(0, colon)) {
    parts.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  // sqlite: URLs are file names; nothing in them is a credential.
  if (parts.scheme == "sqlite") return parts;
  parts.slashes = url.compare(colon + 1, 2, "//") == 0;
  size_t start = parts.slashes ? colon + 3 : colon + 1;
  if (!parts.slashes && start < url.size() && url[start] == '/') ++start;
  size_t authority_end = std::min(url.find_first_of("/?#", start), url.size());
  size_t at = url.substr(0, authority_end).rfind('@');
  if (at != std::string_view::npos && at >= start) {
    parts.userinfo = start;
    parts.at = at;
    parts.hosts = at + 1;
    parts.hosts_end = authority_end;
  } else {
    size_t equals = std::min(url.find('=', authority_end), url.size());
    size_t late_at = url.substr(0, equals).rfind('@');
    if (late_at != std::string_view::npos && late_at >= authority_end) {
      parts.ambiguous = true;
      parts.userinfo = start;
      parts.at = late_at;
      parts.hosts = late_at + 1;
      parts.hosts_end = std::min(url.find_first_of("/?#", late_at + 1), url.size());
    } else {
      parts.hosts = start;
      parts.hosts_end = authority_end;
    }
  }
  if (parts.userinfo != std::string::npos) {
    size_t password_colon = url.find(':', parts.userinfo);
    if (password_colon < parts.at) parts.password = password_colon + 1;
  }
  return parts;
}

std::string RedactUrl(std::string_view url) {
  UrlParts parts = SplitUrl(url);
  std::string out(url);
  if (parts.ambiguous) {
    out.replace(parts.userinfo, parts.at - parts.userinfo, kMask);
  } else if (parts.password != std::string::npos && parts.at > parts.password) {
    out.replace(parts.password, parts.at - parts.password, kMask);
  }
  ForEachSecretParameter(
      out, [&out](size_t begin, size_t end) { out.replace(begin, end - begin, kMask); });
  return out;
}

SecretFilter::SecretFilter(std::streambuf* sink, bool json) : sink_(sink), json_(json) {}

SecretFilter::~SecretFilter() { Finish(); }

void SecretFilter::Finish() {
  Process(true);
  sink_->pubsync();
}

int SecretFilter::overflow(int c) {
  if (c == traits_type::eof()) return traits_type::not_eof(c);
  pending_.push_back(static_cast<char>(c));
  if (c == '\n' || pending_.size() >= 8192) Process(false);
  return c;
}

std::streamsize SecretFilter::xsputn(const char* s, std::streamsize n) {
  pending_.append(s, static_cast<size_t>(n));
  if (pending_.size() >= 8192 ||
      std::string_view(s, static_cast<size_t>(n)).find('\n') != std::string_view::npos) {
    Process(false);
  }
  return n;
}

int SecretFilter::sync() {
  Process(false);
  return sink_->pubsync();
}

void SecretFilter::Process(bool final) {
  // Nothing to look for (no password configured, or none yet): the text
  // passes as it is. Secrets registered later are still found in JSON, whose
  // escaped spelling is registered too, even if a string is half written.
  if (!TheRegistry().any && held_.empty() && string_.empty()) {
    sink_->sputn(pending_.data(), static_cast<std::streamsize>(pending_.size()));
    pending_.clear();
    return;
  }
  std::string out;
  if (json_) {
    ProcessJson(final, out);
  } else {
    std::string text = Scrub(held_ + pending_);
    pending_.clear();
    size_t keep = final ? 0 : PossibleSecretStart(text);
    out = text.substr(0, text.size() - keep);
    held_ = text.substr(text.size() - keep);
  }
  if (!out.empty()) sink_->sputn(out.data(), static_cast<std::streamsize>(out.size()));
}

void SecretFilter::ProcessJson(bool final, std::string& out) {
  std::string outside = std::move(held_);
  held_.clear();
  for (char c : pending_) {
    if (!in_string_) {
      if (c == '"') {
        // What could begin a secret waits: if this is no JSON string after
        // all, the secret may go on inside it.
        outside = Scrub(std::move(outside));
        size_t keep = PossibleSecretStart(outside);
        out += outside.substr(0, outside.size() - keep);
        string_prefix_ = outside.substr(outside.size() - keep);
        outside.clear();
        in_string_ = true;
        escaped_ = false;
        string_ = "\"";
      } else {
        outside += c;
      }
      continue;
    }
    string_ += c;
    if (escaped_) {
      escaped_ = false;
    } else if (c == '\\') {
      escaped_ = true;
    } else if (c == '"') {
      out += string_prefix_ + ScrubJsonString(string_);
      string_prefix_.clear();
      string_.clear();
      in_string_ = false;
    } else if (c == '\n') {  // no JSON string spans lines: this was plain text
      outside += string_prefix_ + string_;
      string_prefix_.clear();
      string_.clear();
      in_string_ = false;
    }
  }
  pending_.clear();
  if (final && in_string_) {
    outside += string_prefix_ + string_;
    string_prefix_.clear();
    string_.clear();
    in_string_ = false;
  }
  outside = Scrub(std::move(outside));
  size_t keep = final ? 0 : PossibleSecretStart(outside);
  out += outside.substr(0, outside.size() - keep);
  held_ = outside.substr(outside.size() - keep);
}

ScopedSecretFilter::ScopedSecretFilter(std::ostream& stream, bool json)
    : stream_(stream), original_(stream.rdbuf()), filter_(original_, json) {
  stream_.rdbuf(&filter_);
}

ScopedSecretFilter::~ScopedSecretFilter() {
  stream_.flush();
  filter_.Finish();
  stream_.rdbuf(original_);
}

}  // namespace flyrun

#include "config/redact.h"

#include <algorithm>
#include <cctype>

namespace flyrun {
namespace {

constexpr std::string_view kMask = "***";

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

// Masks the value of every "name=value" whose name says it is a password, in URL
// query strings ("?password=x&...") and in key=value connection strings
// ("host=h password='x y'").
std::string RedactParameters(std::string text) {
  size_t pos = 0;
  while ((pos = text.find('=', pos)) != std::string::npos) {
    // libpq allows blanks around '=' ("password = x").
    size_t name_end = pos;
    while (name_end > 0 && (text[name_end - 1] == ' ' || text[name_end - 1] == '\t')) --name_end;
    size_t name_start = name_end;
    while (name_start > 0 && !IsParameterStart(text[name_start - 1])) --name_start;
    std::string_view name(text.data() + name_start, name_end - name_start);
    size_t value_start = pos + 1;
    if (!IsSecretParameter(name)) {
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
    if (value_end > value_start) text.replace(value_start, value_end - value_start, kMask);
    pos = value_start + (value_end > value_start ? kMask.size() : 0);
  }
  return text;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0F];
    }
  }
  return out;
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  std::string text(url);
  size_t scheme_end = text.find("://");
  if (scheme_end != std::string::npos) {
    size_t start = scheme_end + 3;
    size_t authority_end = text.find_first_of("/?#", start);
    if (authority_end == std::string::npos) authority_end = text.size();
    size_t at = text.rfind('@', authority_end == 0 ? 0 : authority_end - 1);
    if (at == std::string::npos || at < start) {
      // A password with an unencoded '/', '?' or '#' ends the authority early;
      // the userinfo then reaches to the first '@' after it. Masking too much
      // beats showing part of a password.
      at = text.find('@', start);
      size_t colon = text.find(':', start);
      if (at != std::string::npos && (colon == std::string::npos || colon > at)) {
        at = std::string::npos;
      }
    }
    if (at != std::string::npos && at >= start) {
      size_t colon = text.find(':', start);
      if (colon != std::string::npos && colon < at && at > colon + 1) {
        text.replace(colon + 1, at - colon - 1, kMask);
      }
    }
  }
  return RedactParameters(std::move(text));
}

std::string RedactSecret(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  std::string encoded = PercentEncode(secret);
  for (std::string_view needle : {secret, std::string_view(encoded)}) {
    size_t pos = 0;
    while ((pos = text.find(needle, pos)) != std::string::npos) {
      text.replace(pos, needle.size(), kMask);
      pos += kMask.size();
    }
  }
  return text;
}

}  // namespace flyrun

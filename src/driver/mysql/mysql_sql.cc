#include "driver/mysql/mysql_sql.h"

#include <openssl/evp.h>

#include <cctype>
#include <cstdio>
#include <set>
#include <vector>

namespace flyrun {
namespace {

constexpr size_t kMaxLockName = 64;

std::string Hex(const unsigned char* data, size_t size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xf]);
  }
  return out;
}

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    // Without a digest a deterministic fold still gives every process the same name.
    unsigned long long h = 1469598103934665603ULL;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", h);
    return buf;
  }
  return Hex(digest, size);
}

/// Upper-cased words of `sql` (letters, digits, '_'), skipping comments but
/// reading inside executable comments; at most `max` words.
std::vector<std::string> LeadingWords(std::string_view sql, size_t max) {
  std::vector<std::string> words;
  size_t i = 0, n = sql.size();
  while (i < n && words.size() < max) {
    char c = sql[i];
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') ++i;
    } else if (c == '#') {
      while (i < n && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      size_t j = i + 2;
      if (j < n && sql[j] == 'M') ++j;
      if (j < n && sql[j] == '!') {
        i = j + 1;  // executable comment: its version number, then code
        while (i < n && std::isdigit(static_cast<unsigned char>(sql[i]))) ++i;
      } else {
        size_t end = sql.find("*/", i + 2);
        i = end == std::string_view::npos ? n : end + 2;
      }
    } else if (c == '*' && i + 1 < n && sql[i + 1] == '/') {
      i += 2;  // the end of an executable comment
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      std::string word;
      while (i < n && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_')) {
        word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i]))));
        ++i;
      }
      words.push_back(std::move(word));
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else {
      break;  // punctuation: the words that decide have been read
    }
  }
  return words;
}

}  // namespace

bool SelectsDatabase(std::string_view sql) {
  auto words = LeadingWords(sql, 1);
  return !words.empty() && words[0] == "USE";
}

bool ImplicitlyCommits(std::string_view sql) {
  static const std::set<std::string> kNeverCommit = {
      "SELECT",     "INSERT",  "UPDATE",   "DELETE",   "REPLACE",  "WITH", "VALUES",
      "TABLE",      "DO",      "HANDLER",  "EXPLAIN",  "DESCRIBE", "DESC", "SHOW",
      "SAVEPOINT",  "RELEASE", "ROLLBACK", "SIGNAL",   "RESIGNAL", "GET",  "PREPARE",
      "DEALLOCATE", "USE",     "HELP",     "CHECKSUM", "XA"};
  auto words = LeadingWords(sql, 3);
  if (words.empty()) return false;
  const std::string& first = words[0];
  if (kNeverCommit.count(first)) return false;
  if (first == "SET") {
    // SET autocommit = 1 and SET PASSWORD commit; other SETs do not.
    for (size_t i = 1; i < words.size(); ++i) {
      if (words[i] == "PASSWORD" || words[i] == "AUTOCOMMIT") return true;
    }
    return sql.find("autocommit") != std::string_view::npos ||
           sql.find("AUTOCOMMIT") != std::string_view::npos;
  }
  if (first == "LOAD") return words.size() > 1 && words[1] == "INDEX";  // LOAD DATA/XML: DML
  if ((first == "CREATE" || first == "DROP") && words.size() > 1 && words[1] == "TEMPORARY") {
    return false;
  }
  return true;
}

bool MayChangeSqlMode(std::string_view sql) {
  auto words = LeadingWords(sql, 1);
  if (words.empty() || words[0] != "SET") return false;
  static constexpr std::string_view kName = "SQL_MODE";
  for (size_t i = 0; i + kName.size() <= sql.size(); ++i) {
    size_t k = 0;
    while (k < kName.size() && (sql[i + k] & ~0x20) == kName[k]) ++k;
    if (k == kName.size()) return true;
  }
  return false;
}

bool IsCall(std::string_view sql) {
  auto words = LeadingWords(sql, 1);
  return !words.empty() && words[0] == "CALL";
}

std::string QuoteIdent(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  out.push_back('`');
  return out;
}

std::string SqlLiteral(std::string_view text) {
  bool plain = true;
  for (unsigned char c : text) {
    if (c < 0x20 || c >= 0x7f || c == '\'' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (plain) return "'" + std::string(text) + "'";
  return "_utf8mb4 X'" + Hex(reinterpret_cast<const unsigned char*>(text.data()), text.size()) +
         "'";
}

std::string LockName(std::string_view database, std::string_view table) {
  std::string readable = "flyrun:" + std::string(database) + "." + std::string(table);
  // The server counts characters, not bytes; counting bytes is the safe side.
  if (readable.size() <= kMaxLockName) return readable;
  return "flyrun:" + Sha256Hex(readable).substr(0, 40);
}

}  // namespace flyrun

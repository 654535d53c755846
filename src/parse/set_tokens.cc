// A small second lexer for SET statements only: they are short, so reading their
// text again at the statement's end costs nothing, and the hot loop of the
// splitter keeps skipping string contents without looking at them.
#include "parse/set_tokens.h"

#include "parse/lex.h"

namespace flyrun::parse {
namespace {

char Upper(unsigned char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c); }

class SetLexer {
 public:
  SetLexer(std::string_view sql, Dialect dialect, bool backslash, bool dq_strings)
      : s_(sql), dialect_(dialect), backslash_(backslash), dq_strings_(dq_strings) {}

  std::vector<SetToken> Run() {
    while (i_ < s_.size()) Step();
    return std::move(out_);
  }

 private:
  unsigned char At(size_t k) const { return k < s_.size() ? static_cast<unsigned char>(s_[k]) : 0; }

  void Step() {
    unsigned char c = At(i_);
    bool mysql = dialect_ == Dialect::kMysql;
    if (IsBlank(c)) {
      ++i_;
    } else if (c == '-' && At(i_ + 1) == '-' && (!mysql || At(i_ + 2) <= ' ')) {
      SkipLine();
    } else if (c == '#' && mysql) {
      SkipLine();
    } else if (c == '/' && At(i_ + 1) == '*') {
      BlockComment();
    } else if (c == '*' && At(i_ + 1) == '/' && in_exec_) {
      in_exec_ = false;
      i_ += 2;
    } else if (c == '\'') {
      bool e = dialect_ == Dialect::kPostgres && i_ > 0 && (At(i_ - 1) | 0x20) == 'e' &&
               !out_.empty() && out_.back().kind == SetToken::Kind::kWord &&
               out_.back().text == "E";
      if (e) out_.pop_back();
      Quoted('\'', SetToken::Kind::kString, backslash_ || e);
    } else if (c == '"') {
      Quoted('"', dq_strings_ ? SetToken::Kind::kString : SetToken::Kind::kIdentifier,
             dq_strings_ && backslash_);
    } else if (c == '`' && dialect_ != Dialect::kPostgres) {
      Quoted('`', SetToken::Kind::kIdentifier, false);
    } else if (IsIdentStart(c)) {
      size_t k = i_;
      std::string word;
      while (k < s_.size() && IsIdent(At(k))) word.push_back(Upper(At(k++)));
      out_.push_back({SetToken::Kind::kWord, std::move(word)});
      i_ = k;
    } else if (c >= '0' && c <= '9') {
      size_t k = i_;
      while (k < s_.size() && IsIdent(At(k))) ++k;
      out_.push_back({SetToken::Kind::kNumber, std::string(s_.substr(i_, k - i_))});
      i_ = k;
    } else {
      out_.push_back({SetToken::Kind::kPunct, std::string(1, static_cast<char>(c))});
      ++i_;
    }
  }

  void SkipLine() {
    while (i_ < s_.size() && s_[i_] != '\n' && s_[i_] != '\r') ++i_;
  }

  void BlockComment() {
    bool mysql = dialect_ == Dialect::kMysql;
    if (mysql && !in_exec_ && (At(i_ + 2) == '!' || (At(i_ + 2) == 'M' && At(i_ + 3) == '!'))) {
      i_ += At(i_ + 2) == '!' ? 3 : 4;
      while (At(i_) >= '0' && At(i_) <= '9') ++i_;
      in_exec_ = true;
      return;
    }
    int depth = 0;
    while (i_ < s_.size()) {
      if (At(i_) == '/' && At(i_ + 1) == '*' && (depth == 0 || dialect_ == Dialect::kPostgres)) {
        ++depth;
        i_ += 2;
      } else if (At(i_) == '*' && At(i_ + 1) == '/') {
        i_ += 2;
        if (--depth == 0) return;
      } else {
        ++i_;
      }
    }
  }

  void Quoted(char close, SetToken::Kind kind, bool backslash) {
    std::string text;
    ++i_;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\\' && backslash && i_ + 1 < s_.size()) {
        text.push_back(s_[i_ + 1]);
        i_ += 2;
      } else if (c == close && At(i_ + 1) == static_cast<unsigned char>(close)) {
        text.push_back(c);
        i_ += 2;
      } else if (c == close) {
        ++i_;
        break;
      } else {
        text.push_back(c);
        ++i_;
      }
    }
    out_.push_back({kind, std::move(text)});
  }

  std::string_view s_;
  Dialect dialect_;
  bool backslash_;
  bool dq_strings_;
  bool in_exec_ = false;
  size_t i_ = 0;
  std::vector<SetToken> out_;
};

}  // namespace

std::vector<SetToken> TokenizeSet(std::string_view sql, Dialect dialect, bool backslash_escapes,
                                  bool double_quote_strings) {
  return SetLexer(sql, dialect, backslash_escapes, double_quote_strings).Run();
}

std::vector<std::vector<SetToken>> SetItems(const std::vector<SetToken>& tokens, size_t from) {
  std::vector<std::vector<SetToken>> items(1);
  int depth = 0;
  for (size_t k = from; k < tokens.size(); ++k) {
    const SetToken& t = tokens[k];
    if (t.IsPunct('(')) ++depth;
    if (t.IsPunct(')') && depth > 0) --depth;
    if (depth == 0 && t.IsPunct(',')) {
      items.emplace_back();
      continue;
    }
    items.back().push_back(t);
  }
  return items;
}

}  // namespace flyrun::parse

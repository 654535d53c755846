// What the lexer tells the dialect's classifier: words and tokens while it is
// tracking, and the bodies left open at the end of the input.
#include "parse/splitter.h"

namespace flyrun::parse {

void Splitter::OnWord() { classifier_->OnWord(Word{word_, word_len_}); }

// The token started at token_start_ on the line of pos_ (words and one-byte
// tokens hold no line break), so its column is counted back from pos_.
Position Splitter::TokenAt() {
  Position at = At(pos_);
  at.column -= static_cast<int>(base_ + static_cast<int64_t>(pos_) - token_start_);
  return at;
}

bool Splitter::CheckOpenBlocks() {
  if (in_executable_comment_) {
    Unterminated("comment /*!", executable_at_, "close it with */");
    return true;
  }
  Unclosed open;
  if (!classifier_->Open(open)) return false;
  Unterminated(open.what, open.at, open.hint);
  return true;
}

}  // namespace flyrun::parse

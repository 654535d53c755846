#include <algorithm>
#include <climits>
#include <cstring>

#include "parse/lex.h"
#include "parse/splitter.h"

namespace flyrun::parse {

size_t Splitter::ReadRaw(char* dst, size_t n) {
  std::streambuf* sb = in_.rdbuf();
  if (sb == nullptr || n == 0) return 0;
  std::streamsize got = sb->sgetn(dst, static_cast<std::streamsize>(n));
  return got > 0 ? static_cast<size_t>(got) : 0;
}

// Reads the next chunk after the data in the buffer. Everything before
// pos_ - kLookback is dropped first: the statement text up to pos_ is copied out and
// the newlines before pos_ are counted, so callers keep only pos_ across the call.
bool Splitter::Fill() {
  while (!eof_) {
    FlushSpan();
    At(pos_);
    size_t drop = pos_ - kLookback;
    if (drop > 0) {
      std::memmove(buf_.data(), buf_.data() + drop, end_ - drop);
      pos_ -= drop;
      end_ -= drop;
      span_ = pos_;
      located_ -= drop;
      base_ += static_cast<int64_t>(drop);
    }
    size_t want = std::max<size_t>(options_.chunk_size, 3);
    if (buf_.size() < end_ + want) buf_.resize(end_ + want);
    char* dst = buf_.data() + end_;
    size_t n = ReadRaw(dst, options_.chunk_size);
    if (!bom_checked_) {
      for (size_t more = n; more > 0 && n < 3;) {
        more = ReadRaw(dst + n, 3 - n);
        n += more;
      }
      bom_checked_ = true;
      if (n >= 3 && std::memcmp(dst, "\xEF\xBB\xBF", 3) == 0) {
        std::memmove(dst, dst + 3, n - 3);
        n -= 3;
        if (n == 0) continue;
      }
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    // Line breaks stay as written: inside a string literal they are data, and
    // positions count CRLF and lone CR as one break (CountBreaks).
    // CRs first: FindNul counts lines up to the NUL, and a CR before it breaks one.
    if (!cr_seen_) cr_seen_ = std::memchr(dst, '\r', n) != nullptr;
    if (!nul_seen_) FindNul(end_, n);
    end_ += n;
    return true;
  }
  return false;
}

size_t Splitter::Need(size_t n) {
  while (end_ - pos_ < n && Fill()) {
  }
  return end_ - pos_;
}

Position Splitter::At(size_t i) {
  if (construct_pending_ && construct_index_ <= i) {
    construct_at_ = Locate(construct_index_);
    construct_pending_ = false;
  }
  return Locate(i);
}

Position Splitter::ConstructAt() {
  if (construct_pending_) return At(construct_index_);
  return construct_at_;
}

// One memchr per chunk: the database client APIs take statements as C strings, so a
// NUL would silently cut a statement short ("DELETE FROM t \0 WHERE id = 5").
void Splitter::FindNul(size_t from, size_t n) {
  const void* nul = std::memchr(buf_.data() + from, '\0', n);
  if (nul == nullptr) return;
  size_t i = static_cast<size_t>(static_cast<const char*>(nul) - buf_.data());
  nul_seen_ = true;
  nul_pending_ = true;
  nul_offset_ = base_ + static_cast<int64_t>(i);
  nul_at_ = Peek(i);
}

void Splitter::CheckNul(int64_t before) {
  if (!nul_pending_ || nul_offset_ >= before) return;
  nul_pending_ = false;
  Report("nul-byte", nul_at_, "NUL byte",
         "remove it; a NUL cuts the statement short for the database (a UTF-16 file? save it as "
         "UTF-8)");
}

// Counts the line breaks in [from, to) of the buffer into `line` and
// `line_start`: LF, CR, and CRLF once (the CR counts; the LF after it only moves
// the line start). The byte before `from` is always in the buffer.
void Splitter::CountBreaks(size_t from, size_t to, int& line, int64_t& line_start) const {
  const char* b = buf_.data();
  if (!cr_seen_) {
    for (size_t k = from; k < to;) {
      const void* nl = std::memchr(b + k, '\n', to - k);
      if (nl == nullptr) break;
      k = static_cast<size_t>(static_cast<const char*>(nl) - b) + 1;
      if (b[k - 2] != '\r') ++line;
      line_start = base_ + static_cast<int64_t>(k);
    }
    return;
  }
  for (size_t k = SkipPlain(line_break_, b, from, to); k < to;
       k = SkipPlain(line_break_, b, k, to)) {
    if (!(b[k] == '\n' && b[k - 1] == '\r')) ++line;
    line_start = base_ + static_cast<int64_t>(++k);
  }
}

// The position of buffer index i at or after located_, without moving the lazy
// line count (positions before i may still be asked for).
Position Splitter::Peek(size_t i) const {
  int line = line_;
  int64_t line_start = line_start_;
  if (i > located_) CountBreaks(located_, i, line, line_start);
  int64_t column = base_ + static_cast<int64_t>(i) - line_start + 1;
  return {line, static_cast<int>(std::min<int64_t>(column, INT_MAX))};
}

Position Splitter::Locate(size_t i) {
  if (i > located_) {
    CountBreaks(located_, i, line_, line_start_);
    located_ = i;
  }
  int64_t column = base_ + static_cast<int64_t>(i) - line_start_ + 1;
  return {line_, static_cast<int>(std::min<int64_t>(column, INT_MAX))};
}

}  // namespace flyrun::parse

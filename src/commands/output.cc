#include "commands/output.h"

#include <algorithm>
#include <map>

#include "commands/context.h"

namespace flyrun {
namespace {

/// How many terminal columns a code point takes, as wcwidth() says for a
/// UTF-8 locale but without depending on one: combining marks and zero-width
/// characters 0, East Asian Wide and Fullwidth characters 2, the rest 1.
int CodePointWidth(char32_t c) {
  struct Range {
    char32_t first, last;
  };
  static constexpr Range kZero[] = {
      {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD},  {0x0610, 0x061A}, {0x064B, 0x065F},
      {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},  {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
      {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064},  {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
      {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF}};
  static constexpr Range kWide[] = {
      {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
      {0x25FD, 0x25FE},   {0x2614, 0x2615},   {0x2648, 0x2653},   {0x26AA, 0x26AB},
      {0x26BD, 0x26BE},   {0x26F5, 0x26F5},   {0x26FA, 0x26FA},   {0x2705, 0x2705},
      {0x270A, 0x270B},   {0x2728, 0x2728},   {0x274C, 0x274C},   {0x2753, 0x2755},
      {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},
      {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},
      {0xA000, 0xA4CF},   {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},
      {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},
      {0x16FE0, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
      {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F300, 0x1F64F},
      {0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7EB}, {0x1F900, 0x1F9FF}, {0x1FA70, 0x1FAFF},
      {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}};
  auto in = [c](const auto& ranges) {
    for (const Range& r : ranges)
      if (c >= r.first && c <= r.last) return true;
    return false;
  };
  if (c < 0x300) return 1;
  if (in(kZero)) return 0;
  return in(kWide) ? 2 : 1;
}

/// Terminal columns of UTF-8 text (an invalid byte counts as one column).
size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    size_t len = byte < 0x80           ? 1
                 : (byte >> 5) == 0x6  ? 2
                 : (byte >> 4) == 0xE  ? 3
                 : (byte >> 3) == 0x1E ? 4
                                       : 0;
    if (len == 0 || i + len > text.size()) {
      ++width;
      ++i;
      continue;
    }
    char32_t c = len == 1 ? byte : byte & (0x7F >> len);
    for (size_t k = 1; k < len; ++k)
      c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    width += CodePointWidth(c);
    i += len;
  }
  return width;
}

}  // namespace

void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  // Display columns, not bytes: "é" is two bytes and one column, "日" three and two.
  for (size_t i = 0; i < header.size(); ++i) width[i] = DisplayWidth(header[i]);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], DisplayWidth(r[i]));
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t i = 0; i < width.size(); ++i) {
      std::string cell = i < cells.size() ? cells[i] : "";
      s += cell;
      if (i + 1 < width.size()) s += std::string(width[i] - DisplayWidth(cell) + 2, ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out << s << '\n';
  };
  line(header);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& r : rows) line(r);
}

nlohmann::json IssueJson(const Issue& issue) {
  return {{"code", issue.code},     {"severity", SeverityName(issue.severity)},
          {"file", issue.file},     {"line", issue.line},
          {"column", issue.column}, {"message", issue.message},
          {"hint", issue.hint}};
}

nlohmann::json ErrorJson(const Error& error) {
  nlohmann::json j = {{"exit_code", static_cast<int>(error.code())}, {"message", error.what()}};
  if (!error.hint().empty()) j["hint"] = error.hint();
  if (!error.file.empty()) j["file"] = error.file;
  if (error.line) j["line"] = error.line;
  if (error.column) j["column"] = error.column;
  if (!error.sqlstate.empty()) j["sqlstate"] = error.sqlstate;
  if (error.vendor_code) j["vendor_code"] = error.vendor_code;
  if (!error.detail.empty()) j["detail"] = error.detail;
  return j;
}

std::string Location(const std::string& file, int line, int column) {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  if (line > 0 && column > 0) s += ":" + std::to_string(column);
  return s;
}

std::string IssueLine(const Issue& issue) {
  std::string where =
      issue.file.empty() ? std::string("flyrun") : Location(issue.file, issue.line, issue.column);
  return where + ": " + SeverityName(issue.severity) + "[" + issue.code + "]: " + issue.message;
}

std::string GithubEscape(const std::string& text, bool property) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

void PrintIssues(const CommandContext& ctx, const Issues& issues) {
  std::ostream& out = *ctx.out;
  if (ctx.output == OutputFormat::kGithub) {
    for (const auto& i : issues) {
      out << "::" << SeverityName(i.severity);
      std::vector<std::string> props;
      if (!i.file.empty()) props.push_back("file=" + GithubEscape(i.file, true));
      if (i.line) props.push_back("line=" + std::to_string(i.line));
      if (i.column) props.push_back("col=" + std::to_string(i.column));
      props.push_back("title=" + GithubEscape("flyrun " + i.code, true));
      for (size_t k = 0; k < props.size(); ++k) out << (k ? "," : " ") << props[k];
      std::string msg = i.message + (i.hint.empty() ? "" : "\nHint: " + i.hint);
      out << "::" << GithubEscape(msg, false) << '\n';
    }
    return;
  }
  // Text: one line per problem, those of a file together, files in first-seen order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Issue*>> by_file;
  for (const auto& i : issues) {
    if (!by_file.count(i.file)) order.push_back(i.file);
    by_file[i.file].push_back(&i);
  }
  for (const auto& f : order) {
    for (const Issue* i : by_file[f]) {
      out << IssueLine(*i) << '\n';
      if (!i->hint.empty()) out << "  hint: " << i->hint << '\n';
    }
  }
}

}  // namespace flyrun

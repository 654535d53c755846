#include "commands/output.h"

#include <algorithm>
#include <map>

#include "commands/context.h"

namespace flyrun {

void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], r[i].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t i = 0; i < width.size(); ++i) {
      std::string cell = i < cells.size() ? cells[i] : "";
      s += cell;
      if (i + 1 < width.size()) s += std::string(width[i] - cell.size() + 2, ' ');
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

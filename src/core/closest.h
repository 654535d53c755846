#pragma once

#include <string>
#include <vector>

namespace flyrun {

/// The candidate at the smallest edit distance (insertions, deletions,
/// substitutions) from `word`, when it is at most `max_distance` away: the one
/// meant by a typo. "" when none is that close.
std::string Closest(const std::string& word, const std::vector<std::string>& candidates,
                    size_t max_distance = 2);

}  // namespace flyrun

#include "runners/claim_spread.h"

#include <algorithm>

namespace rj {

std::vector<size_t> spreadClaimChoice(const std::vector<int64_t>& priorities, size_t wanted,
                                      std::mt19937_64& random) {
  std::vector<size_t> chosen;
  if (wanted == 0) return chosen;
  if (priorities.size() <= wanted) {
    for (size_t index = 0; index < priorities.size(); ++index) chosen.push_back(index);
    return chosen;
  }
  const int64_t boundary = priorities[wanted - 1];
  std::vector<size_t> tied;
  for (size_t index = 0; index < priorities.size(); ++index) {
    if (priorities[index] > boundary) {
      chosen.push_back(index);
    } else if (priorities[index] == boundary) {
      tied.push_back(index);
    }
  }
  std::shuffle(tied.begin(), tied.end(), random);
  tied.resize(wanted - chosen.size());
  chosen.insert(chosen.end(), tied.begin(), tied.end());
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace rj

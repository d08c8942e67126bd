#pragma once
// Spreading claims on a Galera cluster. Row locks do not span nodes there: runners on different
// nodes that all take the first queued job conflict at commit, and all but one retry, over and
// over. A claim on a cluster node therefore reads the first few candidates and takes a random
// choice among them, so that concurrent claims mostly take different rows.
#include <cstdint>
#include <random>
#include <vector>

namespace rj {

// How many candidates beyond the wanted jobs a spreading claim reads. Wide, because a node's view
// of the queue's head lags behind claims committed on the other nodes.
constexpr int64_t kClaimSpread = 32;

// Which of the candidates (in claim order, so by priority descending) a claim takes: every one
// whose priority is above the `wanted`-th's (those it would take anyway), then a random choice
// among those that share that priority. Indexes, in claim order.
std::vector<size_t> spreadClaimChoice(const std::vector<int64_t>& priorities, size_t wanted,
                                      std::mt19937_64& random);

}  // namespace rj

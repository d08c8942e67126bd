#include "sse/stream_watcher.h"

#include <poll.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "auth/token_store.h"
#include "db/retry.h"

namespace rj {

void StreamWatcher::fail(const StreamFailure& failure) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!isOpen()) return;
    failure_ = failure;
  }
  changed_.notify_all();
}

void StreamWatcher::markClientGone() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    clientGone_ = true;
  }
  changed_.notify_all();
}

void markHungUpClients(const std::vector<StreamWatcher*>& watchers) {
  std::vector<pollfd> descriptors;
  std::vector<StreamWatcher*> owners;
  for (auto* watcher : watchers) {
    if (watcher->connectionFd() < 0) continue;
    descriptors.push_back({watcher->connectionFd(), 0, 0});
    owners.push_back(watcher);
  }
  if (descriptors.empty() || ::poll(descriptors.data(), descriptors.size(), 0) <= 0) return;
  for (size_t i = 0; i < descriptors.size(); ++i) {
    if (descriptors[i].revents & (POLLHUP | POLLERR | POLLNVAL)) owners[i]->markClientGone();
  }
}

void failStaleCredentials(const std::vector<StreamWatcher*>& watchers) {
  std::vector<std::string> hashes;
  for (const auto* watcher : watchers) {
    if (watcher->credential()) hashes.push_back(watcher->credential()->tokenHash);
  }
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  if (hashes.empty()) return;
  std::set<std::pair<std::string, std::string>> live;
  try {
    withRetry([&](Connection& connection) {
      live.clear();
      for (size_t start = 0; start < hashes.size(); start += kMaxCheckedTokens) {
        size_t end = std::min(hashes.size(), start + kMaxCheckedTokens);
        std::vector<std::string> chunk(hashes.begin() + static_cast<std::ptrdiff_t>(start),
                                       hashes.begin() + static_cast<std::ptrdiff_t>(end));
        auto found = findLiveMemberships(connection, chunk);
        live.insert(found.begin(), found.end());
      }
      return 0;
    });
  } catch (const std::exception& error) {
    // Database trouble shows in the events read of this tick; the check comes again next time.
    std::fprintf(stderr, "runner-jobs: stream credential check failed: %s\n", error.what());
    return;
  }
  for (auto* watcher : watchers) {
    const auto& credential = watcher->credential();
    if (!credential || live.count({credential->tokenHash, credential->workspaceId})) continue;
    watcher->fail(
        {"The token is no longer valid, or its user is no longer a member of this workspace",
         false});
  }
}

void StreamChecks::run(const std::vector<StreamWatcher*>& watchers) {
  auto now = std::chrono::steady_clock::now();
  // A web server that closes the connection when its client hangs up (nginx does): notice it soon
  // rather than at the next keep-alive.
  if (now - hangUpsCheckedAt_ >= kHangUpCheckInterval) {
    hangUpsCheckedAt_ = now;
    markHungUpClients(watchers);
  }
  if (now - credentialsCheckedAt_ >= credentialInterval_) {
    credentialsCheckedAt_ = now;
    failStaleCredentials(watchers);
  }
}

}  // namespace rj

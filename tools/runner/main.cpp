// rj-runner — the reference runner: claims jobs of the types in its config file and runs each
// one's command. Environment: RJ_URL, RJ_RUNNER_TOKEN, RJ_RUNNER_CONFIG (required);
// RJ_RUNNER_HEARTBEAT_SECONDS (10), RJ_RUNNER_WAIT_SECONDS (5), RJ_RUNNER_GRACE_SECONDS (8).
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <thread>

#include "api_client.h"
#include "config.h"
#include "job_runner.h"
#include "json/json.h"

namespace {

std::atomic<bool> stopping{false};

void requestStop(int) {
  stopping = true;
}

std::string environment(const char* name, const char* fallback = nullptr) {
  const char* value = std::getenv(name);
  if (value && *value) return value;
  if (fallback) return fallback;
  std::fprintf(stderr, "rj-runner: %s is not set\n", name);
  std::exit(2);
}

long environmentSeconds(const char* name, long fallback, long minimum, long maximum) {
  std::string text = environment(name, std::to_string(fallback).c_str());
  try {
    return std::clamp(std::stol(text), minimum, maximum);
  } catch (const std::exception&) {
    return fallback;
  }
}

// Sleeps up to `duration`, waking early when told to stop.
void pause(std::chrono::milliseconds duration) {
  auto until = std::chrono::steady_clock::now() + duration;
  while (!stopping && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::optional<rj::runner::ClaimedJob> readClaimedJob(const std::string& body) {
  rapidjson::Document document;
  if (rj::parseJson(document, body) || !document.IsObject()) return std::nullopt;
  auto id = document.FindMember("id");
  auto type = document.FindMember("type");
  if (id == document.MemberEnd() || !id->value.IsString() || type == document.MemberEnd() ||
      !type->value.IsString()) {
    return std::nullopt;
  }
  rj::runner::ClaimedJob job{id->value.GetString(), type->value.GetString(), "{}"};
  auto data = document.FindMember("data");
  if (data != document.MemberEnd() && data->value.IsObject()) job.data = rj::toJson(data->value);
  return job;
}

std::string claimBody(const rj::runner::RunnerConfig& config, long waitSeconds) {
  rj::JsonWriter out;
  out.startObject().key("types").startArray();
  for (const auto& entry : config.commands) out.string(entry.first);
  out.endArray().key("waitSeconds").integer(waitSeconds).endObject();
  return out.take();
}

}  // namespace

int main() {
  using namespace rj::runner;
  std::string url = environment("RJ_URL");
  std::string token = environment("RJ_RUNNER_TOKEN");
  // Commands inherit the environment, and what they print is shown to the whole workspace.
  unsetenv("RJ_RUNNER_TOKEN");
  RunnerConfig config;
  try {
    config = loadRunnerConfig(environment("RJ_RUNNER_CONFIG"));
  } catch (const ConfigError& error) {
    std::fprintf(stderr, "rj-runner: %s\n", error.what());
    return 2;
  }
  JobRunnerSettings settings;
  settings.heartbeatInterval =
      std::chrono::seconds(environmentSeconds("RJ_RUNNER_HEARTBEAT_SECONDS", 10, 1, 300));
  settings.stopGrace =
      std::chrono::seconds(environmentSeconds("RJ_RUNNER_GRACE_SECONDS", 8, 0, 3600));
  // Short, since a stop waits for the claim in flight (see below).
  long waitSeconds = environmentSeconds("RJ_RUNNER_WAIT_SECONDS", 5, 0, 30);

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGTERM, requestStop);
  std::signal(SIGINT, requestStop);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  {
    ApiClient api(url, token);
    std::string body = claimBody(config, waitSeconds);
    std::fprintf(stderr, "rj-runner: serving %zu job type(s) from %s\n", config.commands.size(),
                 url.c_str());
    auto backoff = std::chrono::milliseconds(500);
    while (!stopping) {
      // Not aborted on SIGTERM: the server may already have granted a job to this request, and
      // only a read answer lets the runner release it rather than leave it to its lease.
      ApiResponse claim = api.post("/api/runner/claim", body, waitSeconds + 15);
      if (claim.status == 204) {
        backoff = std::chrono::milliseconds(500);
        continue;
      }
      auto job = claim.status == 200 ? readClaimedJob(claim.body) : std::nullopt;
      if (job && stopping) {
        // Handed over while stopping: give it back rather than leave it to its lease.
        releaseJob(api, job->id, "runner stopping");
        break;
      }
      if (stopping) break;
      if (job && !config.commands.count(job->type)) {
        // Not asked for (the claim names the config's types), so give it back and slow down.
        releaseJob(api, job->id, "this runner has no command for type " + job->type);
        pause(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
        continue;
      }
      if (!job) {
        // Unreachable, 503 while the database is away, or refused (a bad token): retry, slower
        // and slower, so a runner started before its server simply waits for it.
        std::fprintf(stderr, "rj-runner: claim: %s; retrying in %lld ms\n",
                     claim.status ? (std::to_string(claim.status) + " " + claim.body).c_str()
                                  : claim.failure.c_str(),
                     static_cast<long long>(backoff.count()));
        pause(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
        continue;
      }
      backoff = std::chrono::milliseconds(500);
      JobOutcome outcome = runJob(api, *job, config.commands.at(job->type), settings, stopping);
      std::fprintf(stderr, "rj-runner: job %s %s\n", job->id.c_str(), outcomeName(outcome));
    }
  }
  curl_global_cleanup();
  std::fprintf(stderr, "rj-runner: stopped\n");
  return 0;
}

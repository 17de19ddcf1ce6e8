// `psr jobs`: submit training jobs to the workspace queue, run the queue (one job per device
// at a time, as child processes), list them, stop (save and pause), cancel (now) and resume.
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/exit_codes.h"
#include "cli/interrupt_guard.h"
#include "cli/json_file.h"
#include "common/error.h"
#include "jobs/job_runner.h"
#include "jobs/job_store.h"
#include "store/workspace.h"

namespace psr::cli {
namespace {

using nlohmann::json;

struct JobsArgs {
  std::string kind = "sft", config, device = "cpu";
  std::vector<std::string> args;
  std::int64_t id = 0;
  bool json = false, once = false;
};

json readSpec(const std::string& file) { return readJsonFile(file, "job spec"); }

int submit(CliContext& ctx, const JobsArgs& a) {
  auto ws = ctx.openWorkspace();
  json spec = a.kind == "command" ? json{{"args", a.args}} : readSpec(a.config);
  const auto id = jobs::JobStore(*ws).submit(a.kind, spec, a.device);
  if (a.json) std::cout << json{{"id", id}}.dump() << '\n';
  else std::cout << "job " << id << " queued\n";
  return kExitOk;
}

int list(CliContext& ctx, const JobsArgs& a) {
  auto ws = ctx.openWorkspace();
  const auto jobs = jobs::JobStore(*ws).list();
  if (a.json) {
    json out = json::array();
    for (const auto& j : jobs) out.push_back(j.toJson());
    std::cout << out.dump(2) << '\n';
    return kExitOk;
  }
  for (const auto& j : jobs)
    std::cout << j.id << "  " << j.kind << "  " << j.state << "  " << j.device << "  " << j.message << '\n';
  return kExitOk;
}

int run(CliContext& ctx, const JobsArgs& a) {
  auto ws = ctx.openWorkspace();
  jobs::RunnerOptions o;
  o.device = a.device;
  o.once = a.once;
  o.log = [](const std::string& line) { std::cerr << line << std::endl; };
  InterruptGuard guard(o.cancel);
  jobs::runQueue(*ws, o);
  return kExitOk;
}

}  // namespace

void addJobCommands(CLI::App& app, CliContext& ctx) {
  auto* jobsCmd = app.add_subcommand("jobs", "The workspace's job queue: submit, run, list, stop, cancel, resume");
  jobsCmd->require_subcommand(1);
  auto a = std::make_shared<JobsArgs>();

  auto* submitCmd = jobsCmd->add_subcommand("submit", "Queue a training job (or any psr command)");
  submitCmd->add_option("--kind", a->kind, "sft, rl or command");
  submitCmd->add_option("--config", a->config, "Job spec JSON (sft, rl)");
  submitCmd->add_option("--device", a->device, "Device queue: cpu or cuda:N");
  submitCmd->add_option("args", a->args, "For --kind command: the psr arguments after --");
  submitCmd->add_flag("--json", a->json, "Print JSON");
  submitCmd->callback([&ctx, a] {
    if (a->kind != "command" && a->config.empty()) throw CLI::ValidationError("--config", "sft and rl jobs need --config");
    ctx.action = [&ctx, a] { return submit(ctx, *a); };
  });

  auto* listCmd = jobsCmd->add_subcommand("list", "List jobs with their states");
  listCmd->add_flag("--json", a->json, "Print JSON");
  listCmd->callback([&ctx, a] { ctx.action = [&ctx, a] { return list(ctx, *a); }; });

  auto* runCmd = jobsCmd->add_subcommand("run", "Run queued jobs of one device, one at a time (Ctrl+C stops the job cleanly)");
  runCmd->add_option("--device", a->device, "cpu or cuda:N");
  runCmd->add_flag("--once", a->once, "Return when the queue is empty");
  runCmd->callback([&ctx, a] { ctx.action = [&ctx, a] { return run(ctx, *a); }; });

  for (const char* name : {"stop", "cancel", "resume"}) {
    const std::string verb = name;
    auto* cmd = jobsCmd->add_subcommand(
        verb, verb == "stop"     ? "Save and stop a job (it becomes paused)"
              : verb == "cancel" ? "Stop a job now, without saving"
                                 : "Queue a paused, failed or cancelled job again; it continues from its last checkpoint");
    cmd->add_option("id", a->id, "Job id")->required();
    cmd->callback([&ctx, a, verb] {
      ctx.action = [&ctx, a, verb] {
        auto ws = ctx.openWorkspace();
        if (verb == "stop") jobs::stopJob(*ws, a->id);
        else if (verb == "cancel") jobs::cancelJob(*ws, a->id);
        else jobs::JobStore(*ws).requeue(a->id);
        std::cout << "job " << a->id << ": " << jobs::JobStore(*ws).get(a->id).state << '\n';
        return kExitOk;
      };
    });
  }
}

}  // namespace psr::cli

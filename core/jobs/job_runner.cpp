#include "jobs/job_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "common/error.h"
#include "jobs/job_store.h"
#include "store/workspace.h"

namespace psr::jobs {

namespace fs = std::filesystem;

namespace {

fs::path selfExe() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path("psr") : p;
}

/// argv of a job's child process.
std::vector<std::string> childArgs(const store::Workspace& ws, const JobRecord& job, const fs::path& psr) {
  std::vector<std::string> args = {psr.string(), "-w", ws.dir().string()};
  if (job.kind == "command") {
    for (const auto& a : job.spec.at("args")) args.push_back(a.get<std::string>());
    return args;
  }
  args.insert(args.end(), {"train", job.kind, "--config", jobSpecPath(ws, job.id).string(), "--job-id",
                           std::to_string(job.id)});
  return args;
}

pid_t spawn(const std::vector<std::string>& args, const fs::path& logFile) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw Error("cannot start a job process (fork failed)", ErrorCode::Io);
  if (pid == 0) {
    ::setpgid(0, 0);  // its own process group: a Ctrl+C at the runner's terminal is not its stop
    // A runner started with SIGINT ignored or blocked must not pass that on to its jobs.
    ::signal(SIGINT, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int fd = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

fs::path jobSpecPath(const store::Workspace& ws, std::int64_t id) {
  return ws.runsDir() / "jobs" / ("job-" + std::to_string(id) + ".json");
}
fs::path jobLogPath(const store::Workspace& ws, std::int64_t id) {
  return ws.runsDir() / "jobs" / ("job-" + std::to_string(id) + ".log");
}

bool isPsrProcess(std::int64_t pid) {
  if (pid <= 0 || ::kill(pid_t(pid), 0) != 0) return false;
  std::ifstream cmd("/proc/" + std::to_string(pid) + "/cmdline");
  std::string first;
  std::getline(cmd, first, '\0');
  return fs::path(first).filename().string().find("psr") != std::string::npos;
}

int recoverInterrupted(store::Workspace& ws) {
  JobStore store(ws);
  int n = 0;
  for (const auto& job : store.list()) {
    if (job.state != "running" || (job.pid && isPsrProcess(*job.pid))) continue;
    store.markEnded(job.id, "failed", job.exitCode,
                    "interrupted: its process is gone (studio, runner or machine stopped); resume continues from "
                    "its last checkpoint");
    ++n;
  }
  return n;
}

void stopJob(store::Workspace& ws, std::int64_t id) {
  JobStore store(ws);
  const auto job = store.get(id);
  if (job.state == "queued") return store.setState(id, "paused", "stopped before it started");
  if (job.state != "running" || !job.pid || !isPsrProcess(*job.pid))
    throw Error("job " + std::to_string(id) + " is " + job.state + ", not running", ErrorCode::InvalidArgument);
  ::kill(pid_t(*job.pid), SIGINT);  // the trainer saves and exits; its record says paused
}

void cancelJob(store::Workspace& ws, std::int64_t id) {
  JobStore store(ws);
  const auto job = store.get(id);
  if (isEndState(job.state)) throw Error("job " + std::to_string(id) + " already " + job.state, ErrorCode::InvalidArgument);
  if (job.state == "running" && job.pid && isPsrProcess(*job.pid)) ::kill(pid_t(*job.pid), SIGKILL);
  store.markEnded(id, "cancelled", std::nullopt, "cancelled");
  if (job.state == "paused") store.setState(id, "cancelled", "cancelled");
}

void runQueue(store::Workspace& ws, const RunnerOptions& o) {
  fs::create_directories(ws.runsDir() / "jobs");
  const auto lockPath = ws.runsDir() / "jobs" / ("runner-" + o.device + ".lock");
  const int lock = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0 || ::flock(lock, LOCK_EX | LOCK_NB) != 0) {
    if (lock >= 0) ::close(lock);
    throw Error("another job runner already serves device " + o.device + " of this workspace", ErrorCode::ReadOnly);
  }
  auto log = [&](const std::string& s) {
    if (o.log) o.log(s);
  };
  JobStore store(ws);
  if (const int n = recoverInterrupted(ws)) log(std::to_string(n) + " interrupted job(s) marked failed (resume continues them)");
  const auto psr = o.psr.empty() ? selfExe() : o.psr;
  while (!o.cancel.isCancelled()) {
    auto job = store.nextQueued(o.device);
    if (!job) {
      if (o.once) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(o.pollMs));
      continue;
    }
    if (job->kind != "command") {
      auto spec = job->spec;
      spec["device"] = job->device;
      std::ofstream(jobSpecPath(ws, job->id), std::ios::trunc) << spec.dump(2) << '\n';
    }
    const pid_t pid = spawn(childArgs(ws, *job, psr), jobLogPath(ws, job->id));
    store.markRunning(job->id, pid);
    log("job " + std::to_string(job->id) + " (" + job->kind + ") started, pid " + std::to_string(pid));
    int status = 0;
    bool stopSent = false;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (o.cancel.isCancelled() && !stopSent) {
        ::kill(pid, SIGINT);  // a stopping runner stops its job cleanly (it stays resumable)
        stopSent = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // The child records its own end (finished, paused, failed); anything else is a crash.
    if (WIFEXITED(status)) {
      const int code = WEXITSTATUS(status);
      if (code == 130) store.markEnded(job->id, "cancelled", code, "stopped");
      else store.markEnded(job->id, code == 0 ? "finished" : "failed", code,
                           code == 127 ? "could not start " + psr.string() : "exited with code " + std::to_string(code));
    } else if (WIFSIGNALED(status)) {
      store.markEnded(job->id, "failed", std::nullopt,
                      std::string("killed by signal ") + std::to_string(WTERMSIG(status)) +
                          (WTERMSIG(status) == SIGKILL ? " (out of memory or killed)" : ""));
    }
    log("job " + std::to_string(job->id) + " ended: " + store.get(job->id).state);
  }
  ::close(lock);
}

}  // namespace psr::jobs

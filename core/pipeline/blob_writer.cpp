#include "pipeline/blob_writer.h"

#include <chrono>

#include "store/blob_store.h"

namespace psr::pipeline {

BlobWriter::BlobWriter(const store::BlobStore& blobs, int threads) : blobs_(blobs) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { loop(); });
}

BlobWriter::~BlobWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  for (auto& t : threads_) t.join();
}

void BlobWriter::submit(std::string sha256, std::string bytes) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back({std::move(sha256), std::move(bytes)});
  }
  work_.notify_one();
}

void BlobWriter::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && busy_ == 0; });
  if (failure_) {
    auto failure = failure_;
    failure_ = nullptr;
    std::rethrow_exception(failure);
  }
}

void BlobWriter::sync() {
  wait();
  const auto started = std::chrono::steady_clock::now();
  blobs_.syncFilesystem();
  std::lock_guard<std::mutex> lock(mutex_);
  busySeconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

double BlobWriter::busySeconds() {
  std::lock_guard<std::mutex> lock(mutex_);
  return busySeconds_;
}

void BlobWriter::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping with nothing left
    Job job = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    std::exception_ptr error;
    const auto started = std::chrono::steady_clock::now();
    try {
      blobs_.putKnown(job.sha256, job.bytes, store::BlobStore::Durability::Deferred);
    } catch (...) {
      error = std::current_exception();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    lock.lock();
    busySeconds_ += seconds;
    if (error && !failure_) failure_ = error;
    --busy_;
    if (queue_.empty() && busy_ == 0) idle_.notify_all();
  }
}

}  // namespace psr::pipeline

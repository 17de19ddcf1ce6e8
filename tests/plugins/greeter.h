#pragma once
// A provider interface used only by the plugin loader test.
#include <string>

struct Greeter {
  virtual ~Greeter() = default;
  virtual std::string greet(const std::string& who) const = 0;
};

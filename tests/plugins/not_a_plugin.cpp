// Fixture: a shared library without the plugin entry points.
extern "C" __attribute__((visibility("default"))) int psr_unrelated_function() { return 42; }

#include "cli/cli_app.h"

int main(int argc, char** argv) { return psr::cli::run(argc, argv); }

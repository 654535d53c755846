#include "cli/app.h"

int main(int argc, char** argv) { return flyrun::RunApp(argc, argv); }

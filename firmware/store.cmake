# store: sources and libraries of this area (see CMakeLists.txt).

// Supplies std::ios_base_library_init() for libLibTorchSharp.so on systems whose libstdc++
// predates GCC 13 (Debian 12 ships GCC 12's, up to GLIBCXX_3.4.30).
//
// GCC 13 emits a call to this function from static initialisers of code that includes
// <iostream>; it exists only to construct the standard streams. Constructing a static
// std::ios_base::Init does the same with the older library. See
// shared/reference/platform.md ("TorchSharp on Debian 12").
#include <ios>

namespace std {
__attribute__((visibility("default"))) void ios_base_library_init() {
    static ios_base::Init init;
}
}  // namespace std

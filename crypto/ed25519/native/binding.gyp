{
  "targets": [
    {
      "target_name": "ubn_ed25519",
      "sources": ["src/binding.c", "src/verify.c", "src/scalar.c", "src/sha512.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_c": ["-O3", "-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags!": ["-O2"]
    }
  ]
}

{
  "targets": [
    {
      "target_name": "anycast_rtnl",
      "sources": ["rtnl.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}

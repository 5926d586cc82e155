{
  "targets": [
    {
      "target_name": "anycast_rtnl",
      "sources": ["rtnl.c", "nssock.c", "nlread.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}

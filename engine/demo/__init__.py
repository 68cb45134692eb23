"""The sample production `mediaopt demo` builds: real media made by real encoders, with
known contents, that tests and benchmarks reuse."""

"""Commands: use cases that change something, one transaction each (engine.records writes what every
change writes). A workspace with several commands has a package of its own (admin/, designer/). Read
models live in engine.queries; who may do what in engine.policy."""

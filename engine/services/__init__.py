"""Commands: use cases that change something, one transaction each (engine.records writes what every
change writes). Read models live in engine.queries; who may do what in engine.policy."""

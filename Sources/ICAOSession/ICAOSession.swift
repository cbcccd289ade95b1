// The ICAOSession layer: see Package.swift for what it holds.

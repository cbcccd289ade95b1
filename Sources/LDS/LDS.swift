// The LDS layer: see Package.swift for what it holds.

// The Verification layer: see Package.swift for what it holds.

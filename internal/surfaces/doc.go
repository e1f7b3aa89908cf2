// Package surfaces holds one package per wire dialect Gatehouse speaks
// (pocketbase, directus, ...). Each surface translates its dialect to
// core calls and back and decides nothing: rules live in core, shared
// HTTP machinery (error rendering, token extraction, cookies, CSRF) in
// httpapi. This package's tests guard that shape for every surface at
// once: what a surface may import, and that it builds core errors only
// from core's own codes.
package surfaces

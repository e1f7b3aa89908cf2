package payload_test

import "github.com/gatehouse/gatehouse/internal/surfaces/payload"

// payloadOptions shortens the Options type in the tests' modifiers.
type payloadOptions = payload.Options

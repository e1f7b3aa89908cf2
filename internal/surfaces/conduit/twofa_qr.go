package conduit

import (
	"bytes"
	"encoding/base64"
	"image/png"

	"github.com/pquerna/otp"
)

// qrSize is the side of the enrolment QR code in pixels: what Conduit's
// qrcode library draws by default for an otpauth URL is close to it, and
// phones read it from a screen easily.
const qrSize = 200

// qrDataURL draws an otpauth:// URL as the PNG data URL Conduit's
// twoFa/enable answers (`data:image/png;base64,...`), which a client
// puts straight into an <img>.
func qrDataURL(otpauth string) (string, error) {
	key, err := otp.NewKeyFromURL(otpauth)
	if err != nil {
		return "", err
	}
	img, err := key.Image(qrSize, qrSize)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

package sign

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"
)

func readBounded(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than the %d byte limit", limit)
	}
	return data, nil
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// base64StdDecodeLoose decodes base64 that may be split across lines.
func base64StdDecodeLoose(body []byte) ([]byte, error) {
	s := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, string(body))
	if s == "" {
		return nil, fmt.Errorf("empty signature body")
	}
	return base64.StdEncoding.DecodeString(s)
}

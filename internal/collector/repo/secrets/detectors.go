package secrets

import (
	"strings"

	"github.com/google/osv-scalibr/veles"
	"github.com/google/osv-scalibr/veles/secrets/anthropicapikey"
	"github.com/google/osv-scalibr/veles/secrets/azurestorageaccountaccesskey"
	"github.com/google/osv-scalibr/veles/secrets/azuretoken"
	"github.com/google/osv-scalibr/veles/secrets/circleci"
	"github.com/google/osv-scalibr/veles/secrets/cratesioapitoken"
	"github.com/google/osv-scalibr/veles/secrets/cursorapikey"
	"github.com/google/osv-scalibr/veles/secrets/denopat"
	"github.com/google/osv-scalibr/veles/secrets/digitaloceanapikey"
	"github.com/google/osv-scalibr/veles/secrets/discordbottoken"
	"github.com/google/osv-scalibr/veles/secrets/dockerhubpat"
	"github.com/google/osv-scalibr/veles/secrets/elasticcloudapikey"
	"github.com/google/osv-scalibr/veles/secrets/gcpapikey"
	"github.com/google/osv-scalibr/veles/secrets/gcpexpressmode"
	"github.com/google/osv-scalibr/veles/secrets/gcpoauth2access"
	"github.com/google/osv-scalibr/veles/secrets/gcpoauth2client"
	"github.com/google/osv-scalibr/veles/secrets/gcpsak"
	"github.com/google/osv-scalibr/veles/secrets/gcshmackey"
	"github.com/google/osv-scalibr/veles/secrets/github"
	"github.com/google/osv-scalibr/veles/secrets/gitlabpat"
	"github.com/google/osv-scalibr/veles/secrets/grokxaiapikey"
	"github.com/google/osv-scalibr/veles/secrets/hashicorpvault"
	"github.com/google/osv-scalibr/veles/secrets/hcp"
	"github.com/google/osv-scalibr/veles/secrets/herokuplatformkey"
	veleshttp "github.com/google/osv-scalibr/veles/secrets/http"
	"github.com/google/osv-scalibr/veles/secrets/huggingfaceapikey"
	"github.com/google/osv-scalibr/veles/secrets/jwt"
	"github.com/google/osv-scalibr/veles/secrets/mistralapikey"
	"github.com/google/osv-scalibr/veles/secrets/npmjsaccesstoken"
	"github.com/google/osv-scalibr/veles/secrets/onepasswordkeys"
	"github.com/google/osv-scalibr/veles/secrets/openai"
	"github.com/google/osv-scalibr/veles/secrets/openrouter"
	"github.com/google/osv-scalibr/veles/secrets/packagist"
	"github.com/google/osv-scalibr/veles/secrets/paystacksecretkey"
	"github.com/google/osv-scalibr/veles/secrets/perplexityapikey"
	"github.com/google/osv-scalibr/veles/secrets/postmanapikey"
	"github.com/google/osv-scalibr/veles/secrets/privatekey"
	"github.com/google/osv-scalibr/veles/secrets/pypiapitoken"
	"github.com/google/osv-scalibr/veles/secrets/pyxkeyv1"
	"github.com/google/osv-scalibr/veles/secrets/pyxkeyv2"
	"github.com/google/osv-scalibr/veles/secrets/recaptchakey"
	"github.com/google/osv-scalibr/veles/secrets/rubygemsapikey"
	"github.com/google/osv-scalibr/veles/secrets/salesforceoauth2access"
	"github.com/google/osv-scalibr/veles/secrets/salesforceoauth2client"
	"github.com/google/osv-scalibr/veles/secrets/salesforceoauth2jwt"
	"github.com/google/osv-scalibr/veles/secrets/salesforceoauth2refresh"
	"github.com/google/osv-scalibr/veles/secrets/sendgrid"
	"github.com/google/osv-scalibr/veles/secrets/slacktoken"
	"github.com/google/osv-scalibr/veles/secrets/squareapikey"
	"github.com/google/osv-scalibr/veles/secrets/stripeapikeys"
	"github.com/google/osv-scalibr/veles/secrets/supabase"
	"github.com/google/osv-scalibr/veles/secrets/telegrambotapitoken"
	"github.com/google/osv-scalibr/veles/secrets/vapid"
)

// namedDetector is a Veles detector, the name findings report it by
// (scalibr's plugin name for it), and an optional check on what it found.
type namedDetector struct {
	name string
	new  func() veles.Detector
	// accept, when set, must hold for the found secret's value. It corrects
	// detectors whose matches are wider than the credential they name.
	accept func(value string) bool
	// guard, when set, is a cheap test that must hold for the detector to
	// find anything in a file: a literal every match of its patterns
	// contains. It is derived from the detector's expressions (see
	// guards.go) and only saves time; it never changes what is found.
	// Detectors whose expressions start with a literal are guarded by it
	// too: the expression would find it as fast, but the lit guards of all
	// detectors are searched in one pass over the file (literals.go),
	// where each expression's own search was a pass of its own. Pair
	// detectors, which may report one half alone, are not guarded by
	// either half.
	guard func(t *text) bool
}

// packagistToken: in v0.5.3 the Packagist tuple detectors report a lone
// user-name match as a token (ntuple leaves FinderIndex 0 on partial
// matches), so every "name: x" line becomes a finding. A real token has
// the packagist_ prefix.
func packagistToken(v string) bool { return strings.Contains(v, "packagist_") }

// vaultServiceToken: the Vault detector also accepts the legacy s./b./r.
// prefixes, which match any dotted identifier in code (s.TlsX509Name...).
// Only the current hvs./hvb. formats are distinctive.
func vaultServiceToken(v string) bool {
	return strings.HasPrefix(v, "hvs.") || strings.HasPrefix(v, "hvb.")
}

// detectors lists the Veles detectors the scan runs. It is scalibr's list
// of secret detectors, explicit here so that adding or dropping one is a
// reviewed change.
var detectors = []namedDetector{
	{name: "secrets/anthropicapikey", new: anthropicapikey.NewDetector, guard: lit("sk-ant-")},
	{name: "secrets/azuretoken", new: azuretoken.NewDetector, guard: lit("eyJ")},
	{name: "secrets/azurestorageaccountaccesskey", new: azurestorageaccountaccesskey.NewDetector, guard: both(fold("azure", "storage"), runThen(86, isB64Byte, "=="))},
	{name: "secrets/circlecipat", new: circleci.NewPersonalAccessTokenDetector, guard: lit("CCIPAT_")},
	{name: "secrets/circleciproject", new: circleci.NewProjectTokenDetector, guard: lit("CCIPRJ_")},
	{name: "secrets/cursorapikey", new: cursorapikey.NewDetector, guard: lit("key_")},
	{name: "secrets/digitaloceanapikey", new: digitaloceanapikey.NewDetector, guard: lit("dop_v1_")},
	{name: "secrets/pypiapitoken", new: pypiapitoken.NewDetector, guard: lit("pypi-")},
	{name: "secrets/cratesioapitoken", new: cratesioapitoken.NewDetector, guard: litThen("cio", 32, isTokenByte)},
	{name: "secrets/npmjsaccesstoken", new: npmjsaccesstoken.NewDetector, guard: lit("npm_")},
	{name: "secrets/slackappconfigaccesstoken", new: slacktoken.NewAppConfigAccessTokenDetector, guard: lit("xoxe.xoxp-")},
	{name: "secrets/slackappconfigrefreshtoken", new: slacktoken.NewAppConfigRefreshTokenDetector, guard: lit("xoxe-")},
	{name: "secrets/slackappleveltoken", new: slacktoken.NewAppLevelTokenDetector, guard: lit("xapp-")},
	{name: "secrets/dockerhubpat", new: dockerhubpat.NewDetector, guard: lit("dckr_pat_")},
	{name: "secrets/elasticcloudapikey", new: elasticcloudapikey.NewDetector, guard: lit("essu_")},
	{name: "secrets/denopatuser", new: denopat.NewUserTokenDetector, guard: lit("ddp_")},
	{name: "secrets/denopatorg", new: denopat.NewOrgTokenDetector, guard: lit("ddo_")},
	{name: gcpAPIKeyDetector, new: gcpapikey.NewDetector, guard: lit("AIzaSy")},
	{name: "secrets/gcpexpressmode", new: gcpexpressmode.NewDetector, guard: lit("AQ.Ab8R")},
	{name: "secrets/gcpsak", new: func() veles.Detector { return gcpsak.NewDetector() }, guard: lit("auth_provider_x509_cert_url", "ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIs")},
	{name: "secrets/gitlabpat", new: gitlabpat.NewDetector, guard: lit("glpat-")},
	{name: "secrets/grokxaiapikey", new: grokxaiapikey.NewAPIKeyDetector, guard: lit("xai-")},
	{name: "secrets/grokxaimanagementkey", new: grokxaiapikey.NewManagementKeyDetector, guard: lit("xai-token-")},
	{name: "secrets/hashicorpvaulttoken", new: hashicorpvault.NewTokenDetector, accept: vaultServiceToken, guard: lit("hvs.", "hvb.")},
	{name: "secrets/hashicorpvaultapprole", new: hashicorpvault.NewAppRoleDetector, guard: both(fold("roleid", "role_id", "role-id", "secretid", "secret_id", "secret-id"), uuid())},
	{name: "secrets/hcpclientcredentials", new: hcp.NewPairDetector, guard: lit("HCP_CLIENT_", "hcp_client_")},
	{name: "secrets/hcpaccesstoken", new: hcp.NewAccessTokenDetector, guard: lit("eyJ")},
	{name: "secrets/huggingfaceapikey", new: huggingfaceapikey.NewDetector, guard: lit("hf_")},
	{name: "secrets/mistralapikey", new: mistralapikey.NewDetector, guard: fold("mistral")},
	{name: "secrets/openai", new: openai.NewDetector, guard: lit("T3BlbkFJ")},
	{name: "secrets/openrouter", new: openrouter.NewDetector, guard: lit("sk-or-v")},
	{name: "secrets/packagistsecret", new: packagist.NewAPISecretDetector, accept: packagistToken, guard: lit("packagist_")},
	{name: "secrets/packagistorgreadtoken", new: packagist.NewOrgReadTokenDetector, accept: packagistToken, guard: lit("packagist_")},
	{name: "secrets/packagistorgupdatetoken", new: packagist.NewOrgUpdateTokenDetector, accept: packagistToken, guard: lit("packagist_")},
	{name: "secrets/packagistuserupdatetoken", new: packagist.NewUserUpdateTokenDetector, accept: packagistToken, guard: lit("packagist_")},
	{name: "secrets/packagistconductorupdatetoken", new: packagist.NewConductorUpdateTokenDetector, accept: packagistToken, guard: lit("packagist_")},
	{name: "secrets/perplexityapikey", new: perplexityapikey.NewDetector, guard: lit("pplx-")},
	{name: "secrets/postmanapikey", new: postmanapikey.NewAPIKeyDetector, guard: lit("PMAK-")},
	{name: "secrets/postmancollectiontoken", new: postmanapikey.NewCollectionTokenDetector, guard: lit("PMAT-")},
	{name: "secrets/privatekey", new: privatekey.NewDetector, guard: lit("PRIVATE KEY-----")},
	{name: "secrets/rubygemsapikey", new: rubygemsapikey.NewDetector, guard: lit("rubygems_")},
	{name: "secrets/sendgrid", new: sendgrid.NewDetector, guard: lit("SG.")},
	{name: "secrets/githubapprefreshtoken", new: github.NewAppRefreshTokenDetector, guard: lit("ghr_", "Z2hyX")},
	{name: "secrets/githubapps2stoken", new: github.NewAppS2STokenDetector, guard: lit("ghs_", "Z2hzX")},
	{name: "secrets/githubappu2stoken", new: github.NewAppU2SDetector, guard: lit("ghu_", "Z2h1X")},
	{name: "secrets/githubclassicpat", new: github.NewClassicPATDetector, guard: lit("ghp_", "Z2hwX")},
	{name: "secrets/githubfinegrainedpat", new: github.NewFineGrainedPATDetector, guard: lit("github_pat_", "Z2l0aHViX3BhdF")},
	{name: "secrets/githuboauthtoken", new: github.NewOAuthTokenDetector, guard: lit("gho_", "Z2hvX")},
	{name: "secrets/stripesecretkey", new: stripeapikeys.NewSecretKeyDetector, guard: lit("sk_live_")},
	{name: "secrets/striperestrictedkey", new: stripeapikeys.NewRestrictedKeyDetector, guard: lit("rk_live_")},
	{name: "secrets/stripewebhooksecret", new: stripeapikeys.NewWebhookSecretDetector, guard: lit("whsec_")},
	{name: "secrets/supabasepat", new: supabase.NewPATDetector, guard: lit("sbp_")},
	{name: "secrets/supabaseprojectsecretkey", new: supabase.NewProjectSecretKeyDetector},
	{name: "secrets/supabaseservicerolejwt", new: supabase.NewServiceRoleJWTDetector, guard: lit("eyJ")},
	{name: "secrets/squarepersonalaccesstoken", new: squareapikey.NewPersonalAccessTokenDetector, guard: lit("EAAA")},
	{name: "secrets/squareoauthapplicationsecret", new: squareapikey.NewOAuthApplicationSecretDetector},
	{name: "secrets/gcpoauth2clientcredentials", new: gcpoauth2client.NewDetector, guard: lit("GOCSPX-")},
	{name: "secrets/gcpoauth2accesstoken", new: gcpoauth2access.NewDetector, guard: lit("ya29.")},
	{name: "secrets/onepasswordsecretkey", new: onepasswordkeys.NewSecretKeyDetector, guard: lit("A3-")},
	{name: "secrets/onepasswordservicetoken", new: onepasswordkeys.NewServiceTokenDetector, guard: lit("ops_eyJ")},
	{name: "secrets/onepasswordrecoverycode", new: onepasswordkeys.NewRecoveryTokenDetector, guard: lit("1PRK")},
	{name: "secrets/paystacksecretkey", new: paystacksecretkey.NewSecretKeyDetector, guard: lit("sk_")},
	{name: "secrets/gcshmackey", new: gcshmackey.NewDetector},
	{name: "secrets/vapidkey", new: vapid.NewDetector, guard: litThen("B", 86, isB64URLByte)},
	{name: "secrets/recaptchakey", new: recaptchakey.NewDetector, guard: both(fold("captcha"), fold("secret", "private"), captchaKey())},
	{name: "secrets/jwttoken", new: jwt.NewDetector, guard: lit("eyJ")},
	{name: "secrets/pyxkeyv1", new: pyxkeyv1.NewDetector, guard: lit("sk-pyx-")},
	{name: "secrets/pyxkeyv2", new: pyxkeyv2.NewDetector, guard: lit("sk-pyx-2")},
	{name: "secrets/telegrambotapitoken", new: telegrambotapitoken.NewDetector, guard: fold("telegram", "tgram")},
	{name: "secrets/salesforceoauth2access", new: salesforceoauth2access.NewDetector, guard: lit("00D")},
	{name: "secrets/salesforceoauth2client", new: salesforceoauth2client.NewDetector, guard: lit("3MVG")},
	{name: "secrets/herokuplatformkey", new: herokuplatformkey.NewSecretKeyDetector, guard: lit("HRKU-")},
	{name: "secrets/salesforceoauth2jwt", new: salesforceoauth2jwt.NewDetector, guard: lit("3MVG")},
	{name: "secrets/salesforceoauth2refresh", new: salesforceoauth2refresh.NewDetector, guard: lit("3MVG")},
	{name: "secrets/discordbottoken", new: discordbottoken.NewDetector, guard: fold("discord")},
	{name: "secrets/httpbasicauth", new: veleshttp.NewBasicAuthDetector, guard: both(fold("authorization"), fold("basic"))},
	{name: "secrets/httpbearer", new: veleshttp.NewBearerDetector, accept: bearerCredential, guard: both(fold("authorization"), fold("bearer"))},
	{name: "secrets/csrftoken", new: veleshttp.NewCSRFTokenDetector, guard: foldThen(csrfGap, csrfValue, "csrf", "xsrf")},
	{name: "secrets/httpcookie", new: veleshttp.NewCookieDetector, guard: both(foldThen(cookieGap, colon, "cookie"), fold("content-type", "content-length", "host:", "user-agent", "http/"))},
}

// bearerCredential keeps a bearer value that looks like a credential: the
// detector also matches across blank lines after a comment that only names
// the header ("// Authorization: Bearer" above a constant), so a value
// needs the length and the digits of a real token.
func bearerCredential(v string) bool {
	return len(v) >= 16 && strings.ContainsAny(v, "0123456789")
}

package defaultcreds

import (
	"bytes"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Fixtures are minimal lines in the shape of real files: compose files,
// PHP and Python settings, .env templates, SQL seed data and READMEs.
func TestScan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mode Mode
		in   string
		want []Match
	}{
		{
			name: "compose_env_list_weak_and_same_as_user",
			mode: Settings,
			in:   "services:\n  db:\n    environment:\n      - MYSQL_ROOT_PASSWORD=shop\n      - MYSQL_USER=shop\n      - MYSQL_PASSWORD=p@ssw0rd\n",
			want: []Match{
				{Line: 4, Key: "MYSQL_ROOT_PASSWORD", Form: FormSetting, Reason: ReasonSameUser, Value: "shop"},
				{Line: 6, Key: "MYSQL_PASSWORD", Form: FormSetting, Reason: ReasonWellKnown, Value: "p@ssw0rd"},
			},
		},
		{
			name: "compose_env_map_postgres",
			mode: Settings,
			in:   "    environment:\n      POSTGRES_PASSWORD: postgres\n",
			want: []Match{{Line: 2, Key: "POSTGRES_PASSWORD", Form: FormSetting, Reason: ReasonWellKnown, Value: "postgres"}},
		},
		{
			name: "shell_default_in_compose",
			mode: Settings,
			in:   "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}\n",
			want: []Match{{Line: 1, Key: "POSTGRES_PASSWORD", Form: FormSetting, Reason: ReasonWellKnown, Value: "postgres"}},
		},
		{
			name: "php_env_fallback",
			mode: CodeSettings,
			in:   "<?php\n$_APP[ 'db_user' ]     = getenv('DB_USER') ?: 'app';\n$_APP[ 'db_password' ] = getenv('DB_PASSWORD') ?: 'changeme';\n",
			want: []Match{{Line: 3, Key: "db_password", Form: FormSetting, Reason: ReasonWellKnown, Value: "changeme"}},
		},
		{
			name: "python_settings_dict",
			mode: CodeSettings,
			in:   "DATABASES = {\n    'default': {\n        'USER': 'admin',\n        'PASSWORD': 'admin',\n    }\n}\n",
			want: []Match{{Line: 4, Key: "PASSWORD", Form: FormSetting, Reason: ReasonWellKnown, Value: "admin"}},
		},
		{
			name: "json_inline_pairs",
			mode: Settings,
			in:   `{"username": "root", "password": "root"}` + "\n",
			want: []Match{{Line: 1, Key: "password", Form: FormSetting, Reason: ReasonWellKnown, Value: "root"}},
		},
		{
			name: "xml_element",
			mode: Settings,
			in:   "<datasource>\n  <password>secret</password>\n</datasource>\n",
			want: []Match{{Line: 2, Key: "password", Form: FormSetting, Reason: ReasonWellKnown, Value: "secret"}},
		},
		{
			name: "changeme_with_change_this_comment_is_still_a_default",
			mode: Settings,
			in:   "# change this before going live\nadmin_password = changeme\n",
			want: []Match{{Line: 2, Key: "admin_password", Form: FormSetting, Reason: ReasonWellKnown, Value: "changeme"}},
		},
		{
			name: "placeholders_are_not_defaults",
			mode: Settings,
			in: "DB_PASSWORD=\nDB_PASSWORD=${DB_PASSWORD}\nDB_PASSWORD=<password>\npassword: your-password\n" +
				"password: xxx\npassword: \"{{ .Env.PASSWORD }}\"\npassword: ${{ secrets.PASSWORD }}\nPASSWORD=%(password)s\n" +
				"secret: $SECRET\npassword: null\n",
		},
		{
			name: "random_literal_is_left_to_the_detectors",
			mode: Settings,
			in:   "DB_PASSWORD=Zk29fQpL1x\n",
		},
		{
			name: "keys_that_are_not_passwords",
			mode: Settings,
			in:   "password_hash: admin\npasswordLength: 12345\nsecret_name: secret\nMYSQL_ALLOW_EMPTY_PASSWORD: \"yes\"\nbypass: admin\n",
		},
		{
			name: "translation_labels_are_capitalised",
			mode: Settings,
			in:   "password: Password\nsecret: Secret\n",
		},
		{
			name: "comparison_is_not_an_assignment",
			mode: CodeSettings,
			in:   "if password == 'admin':\n",
		},
		{
			name: "code_bare_word_is_a_variable",
			mode: CodeSettings,
			in:   "password = admin\nPASSWORD = os.environ['PASSWORD']\n",
		},
		{
			name: "env_lookup_without_default",
			mode: CodeSettings,
			in:   "$cfg['password'] = getenv('password');\n",
		},
		{
			name: "sql_insert_users_with_hash_call",
			mode: SQL,
			in:   "$q = \"INSERT INTO users VALUES\n\t('1','admin','admin',MD5('password'),NOW()),\n\t('2','bob','bob',MD5('Kq81xz0'),NOW());\";\n",
			want: []Match{{Line: 2, Key: "users", Form: FormSQL, Reason: ReasonWellKnown, Value: "password"}},
		},
		{
			name: "sql_insert_digest_of_weak_password",
			mode: SQL,
			in:   "INSERT INTO `app_users` (name, pw) VALUES ('admin', '21232f297a57a5a743894a0e4a801fc3');\n",
			want: []Match{{Line: 1, Key: "app_users", Form: FormSQL, Reason: ReasonDigest, Value: "21232f297a57a5a743894a0e4a801fc3"}},
		},
		{
			name: "sql_insert_other_table_ignored",
			mode: SQL,
			in:   "INSERT INTO products VALUES (1, MD5('password'));\n",
		},
		{
			name: "sql_create_user_identified_by",
			mode: SQL,
			in:   "CREATE USER 'shop'@'localhost' IDENTIFIED BY 'shop';\nCREATE USER 'x'@'%' IDENTIFIED BY 'Tq3vY8';\nALTER ROLE app WITH PASSWORD 'password';\n",
			want: []Match{
				{Line: 1, Form: FormSQL, Reason: ReasonSameUser, Value: "shop"},
				{Line: 3, Form: FormSQL, Reason: ReasonWellKnown, Value: "password"},
			},
		},
		{
			name: "readme_default_password",
			mode: Prose,
			in:   "### Default Credentials\n\n**Default username = `admin`**\n\n**Default password = `password`**\n",
			want: []Match{{Line: 5, Form: FormInstruction, Reason: ReasonWellKnown, Value: "password"}},
		},
		{
			name: "readme_login_with_pair",
			mode: Prose,
			in:   "Then log in with admin / admin.\nSign in with username `demo` and password `demo`.\n",
			want: []Match{
				{Line: 1, Form: FormInstruction, Reason: ReasonWellKnown, Value: "admin"},
				{Line: 2, Form: FormInstruction, Reason: ReasonSameUser, Value: "demo"},
			},
		},
		{
			// A mapping's password key is the key, not the value: only a
			// weak value after it is a default account.
			name: "mapping_login_password_keys",
			mode: Prose,
			in:   "{'login': 'jane', 'password': 's33kred', 'email': 'jane@example.com', 'id': 42}\n{\"login\": \"admin\", \"password\": \"admin\"}\n",
			want: []Match{{Line: 2, Form: FormInstruction, Reason: ReasonWellKnown, Value: "admin"}},
		},
		{
			name: "readme_prose_without_default",
			mode: Prose,
			in: "The default password is the one you chose during setup.\nLog in with your account.\nPass credentials: user/token to the client.\n" +
				"Pass credentials as user/pass or user:password.\nLogin with user/pass.\nLogin with username/password.\nSign in with email and password.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Scan([]byte(tt.in), tt.mode)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Scan() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIsPasswordKey(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]bool{
		"MYSQL_ROOT_PASSWORD": true, "db_password": true, "dbPassword": true, "$_CFG['db_pass']": true,
		"SECRET_KEY": true, "client_secret": true, "passphrase": true, "pwd": true,
		"password_hash": false, "passwordField": false, "secret_name": false, "user": false, "compass": false, "": false,
	} {
		if got := IsPasswordKey(lastKeyName(key)); got != want {
			t.Errorf("IsPasswordKey(%q) = %v, want %v", key, got, want)
		}
	}
}

// FuzzScan checks that no input makes the scanner panic, that lines stay
// within the input and that every match is a well-known default, a digest
// of one, or a value repeated from the user name.
func FuzzScan(f *testing.F) {
	for _, s := range []string{
		"MYSQL_PASSWORD=p@ssw0rd\n", "  POSTGRES_PASSWORD: ${X:-postgres}\n", "$c['password'] = getenv('P') ?: 'admin';\n",
		"INSERT INTO users VALUES ('a', MD5('password'));", "CREATE USER 'a' IDENTIFIED BY 'a';",
		"Default password = `password`", "log in with admin / admin", "<password>root</password>", "{\"password\": \"",
		"password: '", "x = ${", "INSERT INTO users", "identified by '",
	} {
		f.Add([]byte(s), uint8(Settings|CodeSettings|SQL|Prose))
	}
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		lines := 1
		for _, b := range data {
			if b == '\n' {
				lines++
			}
		}
		for _, m := range Scan(data, Mode(mode)) {
			if m.Line < 1 || m.Line > lines {
				t.Fatalf("line %d outside 1..%d", m.Line, lines)
			}
			switch m.Reason {
			case ReasonWellKnown:
				if !IsWeak(m.Value) {
					t.Fatalf("value %q reported as well known", m.Value)
				}
			case ReasonDigest:
				if !weakDigest[m.Value] {
					t.Fatalf("value %q reported as a digest", m.Value)
				}
			case ReasonSameUser:
				if len(m.Value) < 2 {
					t.Fatalf("short value %q reported as the user name", m.Value)
				}
			default:
				t.Fatalf("unknown reason %q", m.Reason)
			}
		}
	})
}

// TestSQLGuards: withPassword passes every text the expression matches
// through its "with password" branch (the other needs "identified"), and
// scanning with an ASCII-lowercased copy finds what lowercasing data itself
// finds, on every text of up to four fragments chosen where case folding
// differs (U+0130, KELVIN SIGN, LONG S). (The "password" literal before it
// also skips "paſſword", which (?i) matches; the guard has always done so.)
func TestSQLGuards(t *testing.T) {
	t.Parallel()
	frags := []string{
		"with", "W\u0130TH", " ", "\n", "encrypted", "password", "PASSWORD", "pa\u017f\u017fword", "pass",
		"identified", "by", "'admin'", "create user admin ", "insert into users md5('admin')", "\u212a",
	}
	lowerASCII := func(b []byte) []byte {
		out := make([]byte, len(b))
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			out[i] = c
		}
		return out
	}
	matched := 0
	var walk func(b []byte, depth int)
	walk = func(b []byte, depth int) {
		text := append(slices.Clip(b), "'admin'"...)
		lower := bytes.ToLower(text)
		if identifiedBy.Match(text) {
			matched++
			if !bytes.Contains(lower, []byte("identified")) && !withPassword(lower) {
				t.Fatalf("withPassword skips a match: %q", text)
			}
		}
		if diff := cmp.Diff(Scan(text, SQL), ScanLowered(text, lowerASCII(text), SQL)); diff != "" {
			t.Fatalf("%q: ScanLowered differs (-Scan +ScanLowered):\n%s", text, diff)
		}
		if depth == 4 {
			return
		}
		for _, f := range frags {
			walk(append(slices.Clip(b), f...), depth+1)
		}
	}
	walk(nil, 0)
	if matched < 50 {
		t.Errorf("only %d texts match the expression; the fragments no longer exercise the guard", matched)
	}
}

// TestLoginCandidate: the pre-check in front of loginWith passes every
// line the expression matches, on every line of up to four fragments
// chosen around its leading alternatives, their case and LONG S.
func TestLoginCandidate(t *testing.T) {
	t.Parallel()
	frags := []string{
		"log", "LOG", "in", "IN", " ", "\t", "sign", "\u017fign", "SIGN", "default", "credentials", "ACCOUNT",
		" with ", " as ", ":", "admin", "/", "admin ", "login",
	}
	matched := 0
	var walk func(b string, depth int)
	walk = func(b string, depth int) {
		line := b + " admin/admin"
		if loginWith.MatchString(line) {
			matched++
			if !loginCandidate(line) {
				t.Fatalf("loginCandidate skips a match: %q", line)
			}
		}
		if depth == 4 {
			return
		}
		for _, f := range frags {
			walk(b+f, depth+1)
		}
	}
	walk("", 0)
	if matched < 50 {
		t.Errorf("only %d lines match the expression; the fragments no longer exercise the check", matched)
	}
}

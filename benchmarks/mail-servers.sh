#!/usr/bin/env bash
# Starts (or stops) the local mail servers the benchmarks measure against, all on 127.0.0.1 high ports:
#   smtp-sink  127.0.0.1:2525  Postfix's null SMTP server (accepts and discards, no TLS)
#   postfix    127.0.0.1:2587  a real Postfix with STARTTLS that discards what it accepts
#   dovecot    127.0.0.1:4143 (STARTTLS) and 3993 (IMAPS), users bench1..benchN, password "bench"
#   postfix    127.0.0.1:2588  a second Postfix that delivers to the Dovecot users and bounces mail for
#              bounce.localhost (no such users): real bounces for the bounce acceptance run
# Needs root for the Debian packages (installed on first use): postfix, dovecot-core, dovecot-imapd.
# Usage: benchmarks/mail-servers.sh start|stop
set -euo pipefail
DIR=/tmp/talentats-bench
PF=$DIR/postfix
PFB=$DIR/postfix-bounce
DV=$DIR/dovecot

install_packages() {
  if ! command -v smtp-sink >/dev/null || ! command -v dovecot >/dev/null; then
    apt-get update -qq
    echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
    echo "postfix postfix/mailname string bench.localhost" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix dovecot-core dovecot-imapd >/dev/null
  fi
}

certificate() {
  mkdir -p $DIR/tls
  if [ ! -f $DIR/tls/cert.pem ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
      -addext subjectAltName=DNS:localhost -keyout $DIR/tls/key.pem -out $DIR/tls/cert.pem 2>/dev/null
    chmod 644 $DIR/tls/key.pem $DIR/tls/cert.pem
  fi
}

# Every server is stopped by the pid it recorded, never by a pattern that could match someone else's process.
stop_pid() {
  local file=$1
  if [ -f "$file" ]; then
    local pid
    pid=$(cat "$file")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$file"
  fi
}

stop_sink() {
  stop_pid $DIR/smtp-sink.pid
}

start_sink() {
  stop_sink
  mkdir -p $DIR
  nohup smtp-sink -u postfix -c 127.0.0.1:2525 1024 >$DIR/smtp-sink.log 2>&1 &
  echo $! > $DIR/smtp-sink.pid
}

# One Postfix instance: its own config and queue directories, listening on 127.0.0.1:PORT (STARTTLS offered),
# with the main.cf lines given on stdin added to the common ones.
postfix_instance() {
  local dir=$1 port=$2 hostname=$3
  postfix -c "$dir" stop >/dev/null 2>&1 || true
  mkdir -p "$dir/queue" "$dir/data"
  chown -R postfix "$dir/data"
  cat > "$dir/main.cf" <<CF
compatibility_level = 3.6
config_directory = $dir
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
myhostname = $hostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
relay_domains =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
default_transport = discard
alias_maps =
alias_database =
smtpd_tls_cert_file = $DIR/tls/cert.pem
smtpd_tls_key_file = $DIR/tls/key.pem
smtpd_tls_security_level = may
maillog_file_prefixes = $DIR
maillog_file = $dir/maillog
CF
  cat >> "$dir/main.cf"
  sed -e "s/^smtp      inet/127.0.0.1:$port inet/" -e 's/^\(\S\+\s\+\S\+\s\+\S\+\s\+\S\+\s\+\)y/\1n/' \
    /etc/postfix/master.cf > "$dir/master.cf"
  postfix -c "$dir" check >/dev/null 2>&1 || true
  postfix -c "$dir" start </dev/null >/dev/null 2>&1
}

# Discards everything it accepts: the router benchmark's STARTTLS server.
start_postfix() {
  postfix_instance $PF 2587 bench.localhost </dev/null
}

# Delivers bench users' mail into their Dovecot maildirs; anything for bounce.localhost is accepted and then bounced
# by the queue manager ("unknown user"), a DSN back to the sender, as a real server does.
start_postfix_bounce() {
  local users=${BENCH_IMAP_USERS:-1000}
  mkdir -p $PFB
  : > $PFB/virtual
  for i in $(seq 1 "$users"); do
    echo "bench$i@bench.localhost bench$i/Maildir/" >> $PFB/virtual
  done
  postfix_instance $PFB 2588 mx.bench.localhost <<CF
smtpd_reject_unlisted_recipient = no
virtual_mailbox_domains = bench.localhost, bounce.localhost
virtual_mailbox_base = $DV/mail
virtual_mailbox_maps = texthash:$PFB/virtual
virtual_uid_maps = static:$(id -u bench)
virtual_gid_maps = static:$(id -g bench)
CF
}

stop_dovecot() {
  stop_pid $DV/run/master.pid
}

start_dovecot() {
  local users=${BENCH_IMAP_USERS:-1000}
  stop_dovecot
  mkdir -p $DV/run $DV/mail
  id bench >/dev/null 2>&1 || useradd -r -M -d $DV/mail bench
  chown -R bench $DV/mail
  : > $DV/passwd
  for i in $(seq 1 "$users"); do
    echo "bench$i:{PLAIN}bench:$(id -u bench):$(id -g bench)::$DV/mail/bench$i" >> $DV/passwd
  done
  # One imap process per connection (what the fault benchmarks kill) up to 2000 users; beyond, as for the 10 000
  # mailbox footprint, processes serve 16 connections each, or 10 000 of them would take gigabytes.
  local imap_clients=""
  local inotify=8192
  if [ "$users" -gt 2000 ]; then
    imap_clients="  client_limit = 16
  service_count = 0"
    inotify=$((users * 2))
  fi
  cat > $DV/dovecot.conf <<CF
base_dir = $DV/run
listen = 127.0.0.1
protocols = imap
ssl = yes
ssl_cert = <$DIR/tls/cert.pem
ssl_key = <$DIR/tls/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = $DV/passwd
}
userdb {
  driver = passwd-file
  args = $DV/passwd
}
service imap-login {
  inet_listener imap {
    port = 4143
  }
  inet_listener imaps {
    port = 3993
  }
  process_limit = 2048
  client_limit = 2048
  service_count = 0
}
service imap {
  process_limit = 4096
$imap_clients
}
default_process_limit = 4096
default_client_limit = 8192
mail_max_userip_connections = 100
log_path = $DV/dovecot.log
# Process titles name the user, so a benchmark can kill the process serving one connection.
verbose_proctitle = yes
CF
  sysctl -qw fs.inotify.max_user_instances=$inotify 2>/dev/null || true
  sysctl -qw fs.inotify.max_user_watches=$((inotify * 16)) 2>/dev/null || true
  ulimit -n 65536 2>/dev/null || true
  dovecot -c $DV/dovecot.conf </dev/null >/dev/null 2>&1
}

case "${1:-start}" in
  start)
    install_packages
    certificate
    start_sink
    start_postfix
    start_dovecot
    start_postfix_bounce
    echo "smtp-sink 127.0.0.1:2525, postfix STARTTLS 127.0.0.1:2587, bouncing postfix 127.0.0.1:2588, dovecot 127.0.0.1:4143/3993; certificate $DIR/tls/cert.pem"
    ;;
  stop)
    stop_sink
    postfix -c $PF stop >/dev/null 2>&1 || true
    postfix -c $PFB stop >/dev/null 2>&1 || true
    stop_dovecot
    ;;
esac

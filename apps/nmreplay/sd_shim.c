/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nmreplay, static builds only: Debian's libpcap.a brings its D-Bus capture
 * source, whose libdbus-1.a calls two libsystemd functions for socket
 * activation, and there is no libsystemd.a.  nmreplay only reads files, so
 * that code never runs; these answer as libsystemd does for a process that
 * systemd passed no sockets.
 */
int sd_listen_fds(int unset_environment);
int sd_is_socket(int fd, int family, int type, int listening);

int sd_listen_fds(int unset_environment)
{
	(void)unset_environment;
	return 0;
}

int sd_is_socket(int fd, int family, int type, int listening)
{
	(void)fd;
	(void)family;
	(void)type;
	(void)listening;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* termios.h: the terminal ioctls and Linux's struct termios and winsize, shared by the console and the ptys. */
#ifndef GUEST_KERNEL_TERMIOS_H
#define GUEST_KERNEL_TERMIOS_H

#include <stdint.h>

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCXONC 0x540a
#define TCFLSH 0x540b
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define FIONBIO 0x5421
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429

/* Linux's struct termios (the TCGETS layout). */
struct k_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[19];
};

struct k_winsize {
	uint16_t row, col, xpixel, ypixel;
};

/* A new terminal's settings, as Linux's (pty.c). */
extern const struct k_termios termios_default;

#endif

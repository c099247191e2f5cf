# The Debian package (issue 17): install rules and CPack's DEB generator.
# scripts/package configures a Release build with these and runs cpack; docs/packaging.md
# says what goes where and why. The package is built as a plain `dpkg-deb` archive by
# CPack, not by debhelper, so what debhelper would add (maintainer scripts, md5sums,
# compressed changelog and manual page) is written or generated here.

include(GNUInstallDirs)

set(YST_PACKAGE_MAINTAINER "Seed c425ca7f maintainers <maintainers@users.noreply.r-seed-c425ca7f.example>"
    CACHE STRING "Maintainer field of the Debian package")

set(_deb ${CMAKE_CURRENT_SOURCE_DIR}/packaging/debian)
set(_gen ${CMAKE_CURRENT_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${_gen})

# Debian wants the changelog and the manual page gzipped with -9n (no name, no time
# stamp, so the same input makes the same package). Made at configure time; cmake
# configures again when either source changes.
find_program(GZIP_PROGRAM gzip REQUIRED)
configure_file(packaging/yishiting.1.in ${_gen}/yishiting.1 @ONLY)
foreach(pair "${_gen}/yishiting.1|${_gen}/yishiting.1.gz" "${_deb}/changelog|${_gen}/changelog.Debian.gz")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 from)
  list(GET pair 1 to)
  execute_process(COMMAND ${GZIP_PROGRAM} -9n -c ${from} OUTPUT_FILE ${to} COMMAND_ERROR_IS_FATAL ANY)
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_deb}/changelog)

set(_dirs OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
install(TARGETS yishiting RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# What dh_strip does beyond `strip` (CPACK_STRIP_FILES): drop the compilers' version
# strings, which lintian reports as an unneeded section.
install(CODE "if(CMAKE_INSTALL_DO_STRIP)
  execute_process(COMMAND \"${CMAKE_OBJCOPY}\" --remove-section=.comment
    \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/yishiting\" COMMAND_ERROR_IS_FATAL ANY)
endif()")
install(DIRECTORY web/ DESTINATION ${CMAKE_INSTALL_DATADIR}/yishiting/web
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ DIRECTORY_PERMISSIONS ${_dirs})
# Debian 12 keeps system units in /lib/systemd/system (usr-merge moves them later), and
# configuration in /etc whatever the prefix: absolute destinations, which the DEB
# generator packages as they are.
install(FILES packaging/yishiting.service DESTINATION /lib/systemd/system)
install(FILES packaging/yishiting.conf DESTINATION /etc/yishiting)
install(FILES ${_deb}/copyright ${_gen}/changelog.Debian.gz docs/deploy.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${_gen}/yishiting.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${_deb}/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME yishiting)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME yishiting)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "${YST_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${YST_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "live consultation server for district broadcasts")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Yishiting is the server behind the interactive part of the live broadcast
“有事来协商——委员议事厅” run by Chinese district consultative bodies:
the audience asks and upvotes on their phones, the host moderates, government
departments answer, members vote on consensus points and the clerk exports
the minutes (Markdown, HTML, JSON, CSV, Word).

One C++ process relays every event, in order, over WebSocket to thousands of
phones, and stores each event in SQLite (or PostgreSQL) before anyone sees
it. The package runs it as a hardened systemd service on 127.0.0.1:8080.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The Debian revision is the changelog's; cpack checks that its upstream part is this
# project's version (packaging/CPackChecks.cmake).
file(STRINGS ${_deb}/changelog _top LIMIT_COUNT 1)
string(REGEX REPLACE "^yishiting \\(([^)]+)\\).*" "\\1" CPACK_YST_CHANGELOG_VERSION "${_top}")
string(REGEX REPLACE "^.*-" "" CPACK_DEBIAN_PACKAGE_RELEASE "${CPACK_YST_CHANGELOG_VERSION}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# Libraries from dpkg-shlibdeps (dpkg-dev); adduser for postinst. deb-systemd-helper's
# init-system-helpers is Essential in Debian 12.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${_deb}/postinst ${_deb}/prerm ${_deb}/postrm ${_deb}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS ${_dirs})
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_SOURCE_DIR}/packaging/CPackChecks.cmake)
include(CPack)

# Read by cpack before it builds the package: the package's version is the project's
# (the one `yishiting --version` prints) plus the Debian revision of the changelog's
# top entry, so a new project version needs a changelog entry first.
if(NOT CPACK_YST_CHANGELOG_VERSION STREQUAL "${CPACK_PACKAGE_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")
  message(FATAL_ERROR "packaging/debian/changelog's top entry is ${CPACK_YST_CHANGELOG_VERSION}, but the project "
                      "version is ${CPACK_PACKAGE_VERSION}: add an entry for ${CPACK_PACKAGE_VERSION}-1 to the changelog")
endif()

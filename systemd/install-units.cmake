# Run by `cmake --install` (see systemd/CMakeLists.txt): writes the units with
# the paths of this install's prefix and installs them, the sysusers entry
# and the sample config. CMAKE_INSTALL_PREFIX is the install-time prefix here;
# file(INSTALL) adds $DESTDIR.

# nw_full(OUT REL): REL made absolute under the prefix, GNUInstallDirs style.
function(nw_full out rel)
  if(IS_ABSOLUTE "${rel}")
    set(${out} "${rel}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${rel}" PARENT_SCOPE)
  endif()
endfunction()

# nw_systemd_dir(OUT CONFIGURED PKGCONFIG FALLBACK): an explicit setting wins;
# for a distribution install (prefix /usr) pkg-config's directory; otherwise
# the fallback under the prefix (systemd also reads /usr/local/lib/systemd).
function(nw_systemd_dir out configured pc fallback)
  if(configured)
    nw_full(dir "${configured}")
  elseif(pc AND CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(dir "${pc}")
  else()
    nw_full(dir "${fallback}")
  endif()
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

# sysconfdir: GNUInstallDirs' rule, applied to the install-time prefix.
if(IS_ABSOLUTE "${NW_SYSCONFDIR_CFG}")
  set(nw_etc "${NW_SYSCONFDIR_CFG}")
elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(nw_etc "/etc")
else()
  nw_full(nw_etc "${NW_SYSCONFDIR_CFG}")
endif()
set(NW_CONFDIR "${nw_etc}/newswire")
# ConfigurationDirectory= always means /etc/<name>: used only when it is ours.
if(NW_CONFDIR STREQUAL "/etc/newswire")
  set(NW_CONFIGURATION_DIRECTORY "ConfigurationDirectory=newswire\nConfigurationDirectoryMode=0755")
else()
  set(NW_CONFIGURATION_DIRECTORY "# The config lives in ${NW_CONFDIR}: no ConfigurationDirectory= (it means /etc).")
endif()
nw_full(nw_sbin "${NW_SBINDIR}")
nw_full(nw_bin "${NW_BINDIR}")
set(NW_DAEMON "${nw_sbin}/newswired")
set(NW_ALERT "${nw_bin}/newswire-alert")
nw_systemd_dir(nw_unitdir "${NW_UNITDIR_CFG}" "${NW_PC_UNITDIR}" "lib/systemd/system")
nw_systemd_dir(nw_sysusersdir "${NW_SYSUSERSDIR_CFG}" "${NW_PC_SYSUSERSDIR}" "lib/sysusers.d")

# A work dir per destination: parallel installs from one build do not collide.
string(MD5 nw_hash "$ENV{DESTDIR}|${CMAKE_INSTALL_PREFIX}")
set(NW_SYSTEMD_WORK "${NW_SYSTEMD_WORK}/${nw_hash}")

foreach(unit newswired.service newswire-alert@.service)
  configure_file("${NW_SYSTEMD_SRC}/${unit}.in" "${NW_SYSTEMD_WORK}/${unit}" @ONLY)
  file(INSTALL DESTINATION "${nw_unitdir}" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES "${NW_SYSTEMD_WORK}/${unit}")
endforeach()
configure_file("${NW_SYSTEMD_SRC}/newswire.sysusers" "${NW_SYSTEMD_WORK}/newswire.conf" COPYONLY)
file(INSTALL DESTINATION "${nw_sysusersdir}" TYPE FILE
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
     FILES "${NW_SYSTEMD_WORK}/newswire.conf")

# The sample config, unless the operator already has one: an install never
# overwrites a deployed config.
if(NW_SAMPLE_CONF)
  if(EXISTS "$ENV{DESTDIR}${NW_CONFDIR}/newswired.conf")
    message(STATUS "Keeping: $ENV{DESTDIR}${NW_CONFDIR}/newswired.conf")
  else()
    file(INSTALL DESTINATION "${NW_CONFDIR}" TYPE FILE
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
         FILES "${NW_SAMPLE_CONF}")
  endif()
endif()
